from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. ``full_name`` is how Chinese names are written: in one piece."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        default="zh-hans",
        help_text=_("Language of the e-mails this person receives."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username
