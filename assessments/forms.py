"""Forms of the report loop: filing, evidence, review and the admin's reasons.

Forms check what a person typed; the services decide whether the step may happen now
(state, permission, lock), so a form never duplicates a rule of the state machine.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DecisionForm, MultipleFileField, PostOfUnitMixin, QuickSelect, text_field
from core.uploads import accept_attribute
from responsibilities.models import Category, Post, Unit

from .models import Grade, Marking, Period, Report, Task, UnitPlan


class ReportForm(forms.ModelForm):
    """落实情况 and the self-assessment; the duty's expected evidence is the help text."""

    class Meta:
        model = Report
        fields = ["content", "self_assessment"]
        widgets = {"content": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, duty=None, plan=None, **kwargs):
        """``plan``: the unit's plan for the next half (a ``UnitPlan`` or "") when this is
        its last open report of the period; None leaves the field off the form."""
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["next_half_plan"] = forms.CharField(
                label=_("Plan for the next half year"),
                required=False,
                max_length=UnitPlan.MAX_LENGTH,
                initial=getattr(plan, "text", plan),
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_(
                    "This is your unit's last report of the period still to file: say what the unit "
                    "plans for the next half year. The half-year hearing pack prints it."
                ),
                error_messages={"max_length": _("Keep the plan within %(limit_value)d characters.")},
            )
        self.fields["content"].label = _("What was done")
        self.fields["self_assessment"].label = _("Self-assessment")
        self.fields["self_assessment"].choices = [("", _("— not yet —")), *Grade.choices]
        if duty is not None and duty.evidence:
            self.fields["content"].help_text = _("Evidence expected: %(evidence)s") % {"evidence": duty.evidence}


class EvidenceForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        help_text=_("What the file shows, e.g. “minutes of the branch meeting”."),
        error_messages={"required": _("Say what the file shows.")},
    )
    work_date = forms.DateField(
        label=_("Date of the work"),
        # An <input type="date"> takes ISO dates only, whatever the language of the page.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the work the file proves took place, not today's upload."),
        error_messages={
            "required": _("Give the date of the work."),
            "invalid": _("Give the date as year-month-day, e.g. 2026-06-30."),
        },
    )
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose a file to attach."),
            "empty": _("The file is empty."),
            "invalid": _("No file was received; choose the file again."),
        },
    )
    marking = forms.ChoiceField(
        label=_("Marking"),
        choices=[("", _("Not marked")), *Marking.choices],
        required=False,
        help_text=_(
            "内部 or 涉密 files are seen only by the discipline inspection group and the Party group's secretary."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update(
            {"accept": accept_attribute(), "data-max-bytes": settings.MINGZE_EVIDENCE_MAX_BYTES}
        )
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, JPEG or PNG, up to %(mb)d MB. On a phone: photo or file."
        ) % {"mb": settings.MINGZE_EVIDENCE_MAX_BYTES // (1024 * 1024)}
        if not self.is_bound:
            self.initial.setdefault("work_date", timezone.localdate())

    def clean_work_date(self):
        value = self.cleaned_data["work_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of the work cannot be in the future."))
        if value.year < 2000:
            raise forms.ValidationError(_("Give the date of the work as year-month-day, e.g. 2026-06-30."))
        return value


class ApproveForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=[("", _("— choose —")), *Grade.choices],
        error_messages={"required": _("Choose a grade to approve the report.")},
    )
    comment = forms.CharField(label=_("Comment (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReturnForm(forms.Form):
    comment = text_field(
        _("What must be fixed"),
        rows=3,
        max_length=2000,
        required=_("Say what must be fixed: a returned report needs a comment."),
    )

    def clean_comment(self):
        value = self.cleaned_data["comment"].strip()
        if not value:
            raise forms.ValidationError(_("Say what must be fixed: a returned report needs a comment."))
        return value


class ReasonForm(forms.Form):
    reason = text_field(
        _("Reason"), rows=2, max_length=2000, required=_("Give the reason; it is kept with the report.")
    )

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError(_("Give the reason; it is kept with the report."))
        return value


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class QueueFilterForm(forms.Form):
    """The queue's filters live in the URL (UX.md): unit, category, state."""

    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units"), widget=QuickSelect
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("All categories"),
        widget=QuickSelect,
    )
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All states")), *Report.State.choices], required=False)

    def __init__(self, *args, units, listed=None, **kwargs):
        """``units``: the reviewer's units (each chosen one is checked against them);
        ``listed``: those units read already (``selectors.listed_units``), offered as the
        choices, or None when they are too many to list: then a unit is named by its code."""
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = units
        if listed is not None:
            field.widget.choices = [("", field.empty_label), *((unit.pk, unit.label) for unit in listed)]
            return
        field.widget = forms.HiddenInput()  # a unit chosen by a link (``?unit=<id>``) stays chosen
        self.fields = {
            "unit_code": forms.CharField(
                label=_("Unit code"),
                required=False,
                max_length=32,
                help_text=_("Too many units to list: type the code of the one to show."),
            ),
            **self.fields,
        }

    def clean(self):
        data = super().clean()
        code = (data.get("unit_code") or "").strip()
        if code:
            unit = self.fields["unit"].queryset.filter(code=code).first()
            if unit is None:
                self.add_error("unit_code", _("No unit with this code has reports for you to review."))
            else:
                data["unit"] = unit
        return data


class MeetingForm(forms.Form):
    """A 党组会议 as the admin records it: who met when, what they decided, the minutes,
    and which of the 党组's reports they heard."""

    unit = forms.ModelChoiceField(
        label=_("Party group"), queryset=Unit.objects.filter(kind="leading_group", active=True).order_by("path")
    )
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"),
        queryset=get_user_model().objects.filter(posts__unit__kind="leading_group").distinct().order_by("pk"),
        widget=forms.CheckboxSelectMultiple,
    )
    period = forms.ModelChoiceField(
        label=_("Half-year report heard"),
        queryset=Period.objects.exclude(state=Period.State.SCHEDULED).order_by("-year", "-half"),
        required=False,
        empty_label=_("None: the meeting heard reports only"),
        help_text=_("The Party group hears the Party-building report every half year (一、三)."),
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
        help_text=_("One decision per line; each may then be handed on as a task."),
    )
    minutes = forms.FileField(label=_("Minutes"), widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}))
    reports = forms.ModelMultipleChoiceField(
        label=_("Reports heard"), queryset=Report.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def clean_decisions(self):
        return [line.strip() for line in self.cleaned_data["decisions"].splitlines() if line.strip()]

    def __init__(self, *args, waiting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if waiting is not None:
            self.fields["reports"].queryset = waiting
            self.fields["reports"].label_from_instance = lambda r: (
                f"{r.unit.label} · {r.assignment.post.title} · {r.assignment.duty.code} {r.assignment.duty.title}"
            )


class OutsideReviewForm(forms.Form):
    """What the 纪检监察组's superior body concluded on one of its reports."""

    report = forms.ModelChoiceField(label=_("Report"), queryset=Report.objects.none())
    body = forms.CharField(label=_("Reviewing body"), max_length=100)
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=forms.DateInput(attrs={"type": "date"}))
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, reports=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reports is not None:
            self.fields["report"].queryset = reports
            self.fields["report"].label_from_instance = lambda r: (
                f"{r.period.label} · {r.assignment.duty.code} {r.assignment.duty.title}"
            )


class TaskForm(PostOfUnitMixin, forms.Form):
    post_of_other_unit = _("Choose a post of the unit the task goes to.")

    """交办: the admin hands a task to a unit, or to one post of it."""

    unit = forms.ModelChoiceField(label=_("To unit"), queryset=Unit.objects.none())
    post = forms.ModelChoiceField(
        label=_("To post"),
        queryset=Post.objects.none(),
        required=False,
        empty_label=_("The unit (its post holders reply)"),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = text_field(_("What must be done"), rows=4, max_length=8000, required=_("Say what must be done."))
    deadline = forms.DateField(
        label=_("Reply by"),
        widget=DateInput(),
        initial=lambda: timezone.localdate() + datetime.timedelta(days=14),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: unit.label
        self.fields["post"].queryset = (
            Post.objects.filter(active=True, unit__active=True)
            .select_related("unit", "holder")
            .order_by("unit__path", "pk")
        )
        self.fields["post"].label_from_instance = lambda post: (
            f"{post.unit.label} · {post.title} · {post.holder.display_name if post.holder else _('vacant')}"
        )


class TaskReplyForm(forms.Form):
    reply = text_field(_("Feedback"), rows=5, max_length=8000, required=_("Write the feedback."))
    files = MultipleFileField(label=_("Receipt files"), required=False)


class TaskSettleForm(DecisionForm):
    deadline_label = _("New deadline (when returning)")


TASK_STATES = [("", _("All")), ("open", _("Open")), ("overdue", _("Overdue")), *Task.State.choices]


class TaskFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=TASK_STATES)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: unit.label
