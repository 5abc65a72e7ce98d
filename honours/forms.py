from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import BootstrapMixin, text_field
from responsibilities.forms import offer_organizations
from responsibilities.models import Unit

from .models import HonourKind


class RoundForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=100)
    kinds = forms.MultipleChoiceField(
        label=_("Honours awarded"),
        choices=HonourKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one honour.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].widget.attrs.pop("class", None)
        offer_organizations(self)  # asked only when the installation holds several


class AddForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Honour"), choices=HonourKind.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.filter(active=True).order_by("path"))
    person = forms.ModelChoiceField(
        label=_("Person (for an honour of a person)"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
    )
    reason = text_field(
        _("Reason for adding"), rows=2, max_length=1000, required=_("Say why this nomination is added.")
    )

    def __init__(self, *args, round=None, **kwargs):
        super().__init__(*args, **kwargs)
        if round is not None:  # the units of the organization that runs the round
            self.fields["unit"].queryset = self.fields["unit"].queryset.filter(province=round.province_id)


class WithdrawForm(BootstrapMixin, forms.Form):
    nomination = forms.IntegerField(widget=forms.HiddenInput)
    reason = text_field(
        _("Reason for withdrawing"), rows=2, max_length=1000, required=_("Say why this nomination is withdrawn.")
    )


class PublicizeForm(BootstrapMixin, forms.Form):
    starts_on = forms.DateField(
        label=_("Public notice from"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Public notice until"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class ObjectionForm(BootstrapMixin, forms.Form):
    nomination = forms.TypedChoiceField(label=_("Nomination objected to"), coerce=int)
    text = text_field(_("Objection"), rows=2, max_length=2000, required=_("Write down the objection."))
    handling = text_field(_("How it was handled"), rows=2, max_length=2000)

    def __init__(self, *args, nominations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].choices = [(n.pk, f"{n.get_kind_display()} · {n.nominee}") for n in nominations]


class DecideForm(BootstrapMixin, forms.Form):
    decided_on = forms.DateField(
        label=_("Decided on"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    document_number = forms.CharField(label=_("Document number"), max_length=60)


class YearEndForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
