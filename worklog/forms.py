"""The forms of 履责纪实: the one-minute record (type, date, topic, attendance, photos), the
list's filters and the 台账 import."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import BootstrapMixin, DateInput, MultipleFileField, MultipleFileInput, text_field
from responsibilities import access
from responsibilities.models import Post, Unit, WorkType

# A phone offers its camera first (``capture``) and its photo library; scans and sign-in
# sheets come as PDF or Office files.
PHOTO_ACCEPT = "image/*"


class PersonField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class RecordForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=WorkType.choices)
    held_on = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"invalid": _("Enter the date as year-month-day, for example 2026-07-10.")},
    )
    topic = forms.CharField(
        label=_("Topic"), max_length=300, error_messages={"required": _("Say what the meeting or talk was about.")}
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    present = forms.IntegerField(label=_("Members present"), min_value=0, max_value=9999, required=False)
    expected = forms.IntegerField(label=_("Members expected"), min_value=0, max_value=9999, required=False)
    participants = PersonField(
        label=_("People in the talk"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    participant_names = forms.CharField(
        label=_("Other participants"),
        max_length=300,
        required=False,
        help_text=_("Names of people without an account, separated by commas."),
    )
    minutes = text_field(_("Minutes"), rows=3, max_length=20000)
    # 谈心谈话 notes: only the people in the talk and the unit's secretary read them.
    notes = text_field(
        _("Private notes of the talk"),
        rows=3,
        max_length=20000,
        help_text=_("Only the people in the talk and the unit's secretary can read these."),
    )
    extra_duties = forms.MultipleChoiceField(
        label=_("Also counts for"), required=False, widget=forms.CheckboxSelectMultiple
    )
    files = MultipleFileField(
        label=_("Photos and files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": PHOTO_ACCEPT, "capture": "environment"}),
        help_text=_("Take photos with the camera, or choose them on the phone."),
    )

    def __init__(self, *args, unit: Unit, duties=(), show_notes: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["participants"].queryset = people_around(unit)
        self.fields["extra_duties"].choices = [(str(d.pk), f"{d.code} {d.title}") for d in duties]
        if not duties:
            del self.fields["extra_duties"]
        if not show_notes:
            del self.fields["notes"]
        if "extra_duties" in self.fields:
            self.fields["extra_duties"].widget.attrs.pop("class", None)  # checkboxes, not a text box

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future: record work once it has happened."))
        if day < timezone.localdate() - datetime.timedelta(days=366 * 3):
            raise forms.ValidationError(_("The date is more than three years ago; check the year."))
        return day

    def clean(self):
        data = super().clean()
        present, expected = data.get("present"), data.get("expected")
        if present is not None and expected is not None and present > expected:
            self.add_error("present", _("More members present than expected: check both numbers."))
        if data.get("kind") == WorkType.TALK and not data.get("participants") and not data.get("participant_names"):
            self.add_error("participants", _("Name the people in the talk."))
        return data


def people_around(unit: Unit):
    """Whom a record of ``unit`` may name: the holders of posts in the unit, in the units
    under it and in those above it (the secretary above talks with the branch's)."""
    prefixes = [unit.path[:n] for n in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    holders = Post.objects.filter(access.in_subtree(unit) | Q(unit__path__in=prefixes), active=True)
    return User.objects.filter(is_active=True, pk__in=holders.values("holder_id")).order_by("full_name", "username")


class FilesForm(forms.Form):
    files = MultipleFileField(
        label=_("Photos and files"),
        error_messages={"required": _("Choose at least one file.")},
        widget=MultipleFileInput(attrs={"accept": PHOTO_ACCEPT, "capture": "environment"}),
    )


class RecordFilter(BootstrapMixin, forms.Form):
    """The list's filters, read from the URL; a bad value is ignored, never a 500."""

    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("All types")), *WorkType.choices], required=False)
    since = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    until = forms.DateField(label=_("To"), widget=DateInput(), required=False)
    q = forms.CharField(label=_("Text"), max_length=100, required=False)
    # Where a count against the rules leads (我的责任, the dashboard's compliance panel): the
    # records of one unit, of one post (its own and its unit's as a body), for one duty.
    unit = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    post = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    duty = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class ImportForm(BootstrapMixin, forms.Form):
    unit = UnitChoice(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("台账 workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
