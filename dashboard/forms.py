"""The filters of the drill-down list, read from the URL so any view can be bookmarked."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Period, Report, Warning
from oversight.models import Rectification
from responsibilities.models import Category

from .oversight_panels import status_labels


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class ReportFilterForm(forms.Form):
    period = PeriodChoiceField(
        label=_("Period"),
        queryset=Period.objects.exclude(state=Period.State.SCHEDULED).order_by("-year", "-half"),
        required=False,
        empty_label=None,
    )
    unit = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    exact = forms.BooleanField(label=_("This unit only, without the units below"), required=False)
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.order_by("order", "code"), required=False, empty_label=_("All")
    )
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All"))] + Report.State.choices, required=False)
    warning = forms.ChoiceField(label=_("Warning"), choices=[("", _("All"))] + Warning.choices, required=False)
    late = forms.BooleanField(label=_("Submitted late"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("period", "category", "state", "warning"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"


class FollowUpFilterForm(forms.Form):
    """The filters of the 整改 and 督办 lists behind the dashboard's panels (issue 14)."""

    period = PeriodChoiceField(
        label=_("Period"),
        queryset=Period.objects.exclude(state=Period.State.SCHEDULED).order_by("-year", "-half"),
        required=False,
        empty_label=None,
    )
    unit = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    exact = forms.BooleanField(label=_("This unit only, without the units below"), required=False)
    status = forms.ChoiceField(label=_("Show"), required=False)
    source = forms.ChoiceField(
        label=_("Where the problem was found"),
        choices=[("", _("All"))] + Rectification.Source.choices,
        required=False,
    )

    def __init__(self, *args, with_source: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *status_labels().items()]
        if not with_source:
            del self.fields["source"]
        for name in ("period", "status", "source"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
