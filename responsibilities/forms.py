from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Cadence, Category, Duty, Responsibility, Unit, UnitKind


class ChecklistFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("All categories")
    )
    responsibility = forms.ChoiceField(
        label=_("Responsibility type"), choices=[("", _("All types")), *Responsibility.choices], required=False
    )
    cadence = forms.ChoiceField(label=_("Cadence"), choices=[("", _("All cadences")), *Cadence.choices], required=False)


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class DutyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.title}"


class BulkAssignForm(forms.Form):
    duties = DutyChoiceField(
        label=_("Duties"),
        queryset=Duty.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one duty.")},
    )
    all_branches = forms.BooleanField(label=_("Every Party branch"), required=False)
    units = UnitChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duties"].queryset = (
            checklist.duties.filter(active=True).select_related("category").order_by("category__order", "code")
        )
        self.fields["units"].queryset = Unit.objects.filter(active=True).order_by("path")

    def clean(self):
        data = super().clean()
        units = list(data.get("units") or [])
        if data.get("all_branches"):
            branches = Unit.objects.filter(active=True, kind=UnitKind.BRANCH)
            units = sorted(set(units) | set(branches), key=lambda u: u.path)
        if not units:
            raise forms.ValidationError(_("Choose at least one unit, or every Party branch."))
        data["target_units"] = units
        return data
