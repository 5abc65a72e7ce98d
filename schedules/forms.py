from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Half, Period
from core.forms import BootstrapMixin


def _date(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def check_order(form, data) -> None:
    opens, due, review = data.get("opens_on"), data.get("due_on"), data.get("review_due_on")
    if opens and due and due < opens:
        form.add_error("due_on", _("The due date cannot be before the open date."))
    if due and review and review < due:
        form.add_error("review_due_on", _("The review-due date cannot be before the due date."))


class PeriodCreateForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("Half"), choices=Half.choices, coerce=int)
    opens_on = _date(_("Opens on"), required=False, help_text=_("Leave empty for the default date."))
    due_on = _date(_("Due on"), required=False, help_text=_("Leave empty for the default date."))
    grace_days = forms.IntegerField(
        label=_("Grace days"), min_value=0, max_value=60, required=False, help_text=_("Leave empty for the default.")
    )
    review_due_on = _date(_("Review due on"), required=False, help_text=_("Leave empty for the default date."))

    def clean(self):
        data = super().clean()
        year, half = data.get("year"), data.get("half")
        if year is None or half is None:
            return data
        if Period.objects.filter(year=year, half=half).exists():
            self.add_error("half", _("This half year already has a period; edit its dates instead."))
            return data
        for name, value in Period.default_dates(year, half).items():
            if data.get(name) in (None, ""):
                data[name] = value
        check_order(self, data)
        return data


class PeriodDatesForm(BootstrapMixin, forms.ModelForm):
    opens_on = _date(_("Opens on"))
    due_on = _date(_("Due on"))
    review_due_on = _date(_("Review due on"))

    class Meta:
        model = Period
        fields = ["opens_on", "due_on", "grace_days", "review_due_on"]

    def clean(self):
        data = super().clean()
        check_order(self, data)
        return data
