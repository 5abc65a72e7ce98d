from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MEMBER_KINDS, Cadence, Category, Duty, Post, PostKind, Responsibility, Unit, UnitKind


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


def leader_posts():
    """The seats a liaison or a 分管 portfolio belongs to: the 党组's and 党委's posts."""
    return (
        Post.objects.filter(active=True, unit__kind__in=[UnitKind.LEADING_GROUP, UnitKind.ORGAN_COMMITTEE])
        .select_related("unit", "holder")
        .order_by("unit__path", "kind", "title")
    )


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        holder = obj.holder.display_name if obj.holder else _("vacant")
        return f"{obj.unit.label} · {obj.title} ({holder})"


class LiaisonForm(forms.Form):
    """党建联系点: which leader post oversees a unit, from which day."""

    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.filter(active=True).exclude(kind=UnitKind.LEADING_GROUP).order_by("path")
    )
    post = PostChoiceField(label=_("Leader post"), queryset=leader_posts())
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))


class PortfolioForm(forms.Form):
    """分管: the areas a leader post is in charge of, one a line."""

    post = PostChoiceField(
        label=_("Post"),
        queryset=leader_posts().filter(kind__in=[PostKind.SECRETARY, *MEMBER_KINDS]),
    )
    portfolio = forms.CharField(
        label=_("Areas in charge"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


def offer_organizations(form: forms.Form) -> None:
    """Add to a form that starts a yearly round (述职评议, 评先评优) the choice of the
    organization that runs it — only when the installation holds several
    (``selectors.organizations``); with one, the round is simply its own, and nobody is
    asked. ``cleaned_data["organization"]`` is then the one chosen, or absent."""
    from .selectors import organizations

    choices = organizations()
    if len(choices[:2]) > 1:
        form.fields["organization"] = OrganizationChoiceField(
            label=_("Organization running the round"),
            queryset=choices,
            widget=forms.Select(attrs={"class": "form-select"}),
            error_messages={
                "required": _("Choose the organization that runs the round."),
                "invalid_choice": _("Choose the organization that runs the round."),
            },
        )
        form.order_fields(["organization"])
