import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DecisionForm, MultipleFileField, PostOfUnitMixin, text_field
from responsibilities.models import Checklist, Duty, Post, Unit

from .models import Rectification, SupervisionNotice


def in_a_month() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=30)


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class PostField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        holder = obj.holder.display_name if obj.holder else _("vacant")
        return f"{obj.unit.label} · {obj.title} · {holder}"


class DutyField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.title}"


def duty_choices(extra=None):
    """The duties of the newest checklist, and ``extra`` (a report's duty from an earlier one)."""
    newest = Checklist.objects.order_by("-year").values("pk")[:1]
    duties = Duty.objects.filter(checklist__in=newest, active=True)
    if extra is not None:
        duties = duties | Duty.objects.filter(pk=extra)
    return duties.order_by("-checklist__year", "category__order", "code")


class RectificationForm(PostOfUnitMixin, forms.Form):
    post_of_other_unit = _("Choose a post of the responsible unit.")

    source = forms.ChoiceField(
        label=_("Where the problem was found"),
        choices=[
            (value, label) for value, label in Rectification.Source.choices if value in Rectification.CHOSEN_SOURCES
        ],
        initial=Rectification.Source.MANUAL,
    )
    problem = text_field(_("Problem"), rows=3, max_length=4000, required=_("Describe the problem."))
    measure = text_field(
        _("Measure to take"), rows=3, max_length=4000, required=_("Say what must be done to put it right.")
    )
    unit = UnitField(label=_("Responsible unit"), queryset=Unit.objects.none(), empty_label=None)
    post = PostField(
        label=_("Responsible post"),
        queryset=Post.objects.none(),
        required=False,
        empty_label=_("The unit's secretary"),
    )
    deadline = forms.DateField(label=_("Rectify by"), widget=DateInput(), initial=in_a_month)
    duty = DutyField(
        label=_("Duty concerned"),
        queryset=Duty.objects.none(),
        required=False,
        empty_label=_("No particular duty"),
        help_text=_("The line of the checklist the problem is about, if there is one."),
    )

    def __init__(self, *args, units, fixed_unit=None, linked=False, **kwargs):
        super().__init__(*args, **kwargs)
        if linked:  # raised on a report, a finding or a notice: the source is that object
            del self.fields["source"]
        self.fields["duty"].queryset = duty_choices(self.initial.get("duty"))
        self.fields["unit"].queryset = units
        if fixed_unit is not None:
            self.fields["unit"].queryset = Unit.objects.filter(pk=fixed_unit.pk)
            self.fields["unit"].initial = fixed_unit.pk
            posts = Post.objects.filter(unit=fixed_unit)
        else:
            posts = Post.objects.filter(unit__in=units)
        self.fields["post"].queryset = (
            posts.filter(active=True).select_related("unit", "holder").order_by("unit__path", "kind", "title")
        )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("Give a deadline from today on."))
        return deadline


class ReportDoneForm(forms.Form):
    completion = text_field(_("What was put right"), rows=4, max_length=4000, required=_("Say what was done."))
    files = MultipleFileField(label=_("Evidence"), required=False)


class VerifyForm(DecisionForm):
    deadline_label = _("New deadline (when sending back)")


class SettleForm(DecisionForm):
    deadline_label = _("New deadline (when pressing again)")


class NoticeForm(forms.Form):
    unit = UnitField(label=_("To unit"), queryset=Unit.objects.none())
    matter = forms.ChoiceField(label=_("About"), choices=SupervisionNotice.Matter.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = text_field(_("What must be done"), rows=5, max_length=8000, required=_("Say what the unit must do."))
    deadline = forms.DateField(
        label=_("Reply by"), widget=DateInput(), initial=lambda: timezone.localdate() + datetime.timedelta(days=14)
    )

    def __init__(self, *args, fixed_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(active=True).order_by("path")
        if fixed_unit is not None:
            units = units.filter(pk=fixed_unit.pk)
            self.fields["unit"].initial = fixed_unit.pk
        self.fields["unit"].queryset = units

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("Give a deadline from today on."))
        return deadline


class ReplyForm(forms.Form):
    reply = text_field(_("Reply"), rows=5, max_length=8000, required=_("Write the reply."))
    files = MultipleFileField(label=_("Evidence"), required=False)


class ListFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    unit = UnitField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    overdue = forms.BooleanField(
        label=_("Overdue only"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def __init__(self, *args, states, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *states]
        self.fields["unit"].queryset = units


RECTIFICATION_STATES = Rectification.State.choices
NOTICE_STATES = SupervisionNotice.State.choices
