"""The tamper-evident trail (留痕): every event row of the registered models gets a link in
a hash chain per top-level subtree of the unit tree (``organization``: that subtree's
path; audit/chain.py, ``chain_of_path``).

Each link stores the HMAC under AUDIT_KEY of the event's content hash together with the
previous link's hash, so editing or deleting an event row outside the application — or a link itself —
breaks the chain at that point, and ``verify_audit`` names it.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChainHead(models.Model):
    """The newest link of one chain; locked while a link is added, so concurrent events
    of one subtree are chained one after another."""

    organization = models.CharField(_("organization"), max_length=64, unique=True)
    sequence = models.PositiveBigIntegerField(_("sequence"), default=0)
    hash = models.CharField(_("hash"), max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("chain head")
        verbose_name_plural = _("chain heads")

    def __str__(self):
        return f"{self.organization} #{self.sequence}"


class AuditLink(models.Model):
    organization = models.CharField(_("organization"), max_length=64)
    sequence = models.PositiveBigIntegerField(_("sequence"))
    content_type = models.ForeignKey(ContentType, verbose_name=_("kind"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("event"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit link")
        verbose_name_plural = _("audit links")
        ordering = ["organization", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "sequence"], name="auditlink_unique_sequence"),
            models.UniqueConstraint(fields=["content_type", "object_id"], name="auditlink_one_per_event"),
        ]

    def __str__(self):
        return f"{self.organization} #{self.sequence}"
