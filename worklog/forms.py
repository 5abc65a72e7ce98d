from django import forms
from django.utils.translation import gettext_lazy as _

from responsibilities.models import WorkType


class RecordFilterForm(forms.Form):
    """The record list's filters, from the URL (UX.md: filters live in the URL)."""

    unit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    post = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    duty = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("type"), required=False, choices=[("", _("All types")), *WorkType.choices])
    start = forms.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("text"), required=False, max_length=100)
