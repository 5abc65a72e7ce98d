from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Period
from core.forms import BootstrapMixin
from responsibilities.models import Unit

from .models import ScoringRule


class RuleForm(BootstrapMixin, forms.ModelForm):
    """The rule's numbers, and one weight per category (empty: the default)."""

    class Meta:
        model = ScoringRule
        fields = [
            "points_excellent",
            "points_good",
            "points_fair",
            "points_poor",
            "points_ungraded",
            "key_category_weight",
            "late_deduction",
            "missing_deduction",
            "task_late_deduction",
            "task_missing_deduction",
            "bonus_cap",
        ]

    def __init__(self, *args, categories, weights, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category in self.categories:
            self.fields[f"weight_{category.pk}"] = forms.DecimalField(
                label=category.label,
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
                initial=weights.get(category.pk),
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            )

    def category_weights(self) -> dict[int, Decimal | None]:
        return {c.pk: self.cleaned_data.get(f"weight_{c.pk}") for c in self.categories}

    def weight_fields(self):
        return [self[f"weight_{c.pk}"] for c in self.categories]

    def rule_fields(self):
        return [self[name] for name in self.Meta.fields]


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class BonusForm(BootstrapMixin, forms.Form):
    period = forms.ModelChoiceField(label=_("Period"), queryset=Period.objects.order_by("-year", "-half"))
    unit = UnitChoice(label=_("Unit"), queryset=Unit.objects.filter(active=True).order_by("path"))
    points = forms.DecimalField(
        label=_("Points"), min_value=Decimal("0.01"), max_value=Decimal("100"), max_digits=5, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the bonus."))
        return reason
