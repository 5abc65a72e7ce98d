from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form; django-axes needs the request, which this form passes on."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def get_invalid_login_error(self):
        # accounts.directory marks the request when the directory could not be reached.
        if getattr(self.request, "_mingze_directory_down", False):
            return ValidationError(
                _(
                    "The organization's directory cannot be reached just now, so directory accounts "
                    "cannot sign in. Local accounts still can; please try again later."
                ),
                code="directory_down",
            )
        return super().get_invalid_login_error()
