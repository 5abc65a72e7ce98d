"""What every form of Mingze's may share."""

from django import forms


class BootstrapMixin:
    """Bootstrap's classes on every widget: the templates lay fields out by hand."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
