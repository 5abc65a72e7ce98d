"""What an admin records by hand (a 党组会议, an outside review, a 交接): who entered it and
when, kept on every such row alike."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import person


class AbstractRecord(models.Model):
    recorded_by = person(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True
