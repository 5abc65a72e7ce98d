"""What every form of Mingze's may share."""

import datetime

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .errors import EvidenceError, TransitionError

# What a file picker offers: photos (the camera on a phone) and documents.
ACCEPT = "image/*,.pdf,.doc,.docx,.xls,.xlsx"


class BootstrapMixin:
    """Bootstrap's classes on every widget: the templates lay fields out by hand."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python rather than through a template per option: the same
    HTML as Django's (attributes, ``selected``, option groups), at a fraction of the cost
    for the long lists filters offer (a liaison's two hundred units on the review queue)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>']
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f'<optgroup label="{escape(group)}">')
            parts.extend(_option(option) for option in options)
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


def _option(option: dict) -> str:
    label = escape(option["label"])
    return f'<option value="{escape(option["value"])}"{flatatt(option["attrs"])}>{label}</option>'


def text_field(label, *, rows: int = 3, max_length: int = 2000, required=None, **kwargs) -> forms.CharField:
    """A text area of ``rows`` rows. With ``required`` (the message to show when it is left
    empty, in the person's words) it must be filled in; without, it is optional."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=max_length,
        required=required is not None,
        error_messages={"required": required} if required is not None else None,
        **kwargs,
    )


def attempt(form: forms.Form, step, *, field: str | None = None, upload_field: str | None = None):
    """Run ``step(form.cleaned_data)`` — a service call — if ``form`` is valid, and return
    what it returns (the changed row). A domain error (``TransitionError``,
    ``EvidenceError``) becomes the form's error on ``field`` (None: the whole form; a
    refused upload on ``upload_field`` when given), so the page shows it beside what was
    typed; then, or when the form is invalid, None."""
    if not form.is_valid():
        return None
    try:
        return step(form.cleaned_data)
    except EvidenceError as error:
        form.add_error(upload_field or field, str(error))
    except TransitionError as error:
        form.add_error(field, str(error))
    return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def format_value(self, value):
        """What was typed is shown back, unless it is no date at all: a date field's value
        must be a date (valid HTML), and the error beside it says what went wrong."""
        if isinstance(value, str):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                return None
        return super().format_value(value)


class DecisionForm(forms.Form):
    """The deciding side's form: verify or send back a rectification, close or press a
    notice again, close a 交办 task or return its feedback; the new deadline (labelled by
    ``deadline_label``) counts only when sending back, pressing or returning."""

    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    deadline = forms.DateField(widget=DateInput(), required=False)
    deadline_label = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].label = self.deadline_label


class PostOfUnitMixin:
    """A form with a ``unit`` and an optional ``post`` of it (a task, a rectification):
    a post of another unit is refused on ``post`` with ``post_of_other_unit``."""

    post_of_other_unit = _("Choose a post of the unit.")

    def clean(self):
        data = super().clean()
        post, unit = data.get("post"), data.get("unit")
        if post is not None and unit is not None and post.unit_id != unit.pk:
            self.add_error("post", self.post_of_other_unit)
        return data
