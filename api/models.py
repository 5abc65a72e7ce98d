"""Personal API tokens: issued and revoked by an administrator, kept hashed, each with an
expiry. The token itself is shown once, when it is issued; Mingze keeps only its SHA-256
(a token is 32 random bytes, so a fast hash is as strong as a slow one here) and its first
characters, so a list can tell tokens apart without holding them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import person


class ApiToken(models.Model):
    user = person(_("person"), related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the mobile app."))
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    created_by = person(_("issued by"), optional=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = person(_("revoked by"), optional=True, on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
