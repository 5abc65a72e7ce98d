"""What an item issued to a unit with a deadline and a required reply keeps alike — a 督办
notice, a 交办 task (一、三: 真管真严): who issued it and when, the reply by the
deadline, who gave it and when, and when it was closed. The states (issued, replied,
closed) are the item's own ``State``, whose labels say what the reply is called there."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .deadlines import DeadlineMixin
from .fields import person


class AbstractIssued(DeadlineMixin, models.Model):
    deadline = models.DateField(_("reply by"))
    issued_by = person(_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = person(_("replied by"), optional=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        abstract = True
