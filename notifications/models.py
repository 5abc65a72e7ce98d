from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import person


class Notification(models.Model):
    """An in-app message to one person (提醒). Its e-mail twin is sent by a task.

    On Citus the table is distributed by ``recipient`` in a co-location group of its own,
    not by province (docs/scale.md section 5): a person's notifications page, their bell
    and the mark-read actions read one person's rows, and a person may be told of units in
    several provinces (a 党组书记 of the 纪检监察组s' reports) or of none (an admin, a
    supervisor). Every query of the table names ``recipient_id``
    (``tests/notifications/test_distribution.py``)."""

    # The distribution column on Citus (the ``province_id`` of the unit-hanging tables).
    distributed_by = "recipient"

    recipient = person(_("recipient"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The sweep of e-mails never sent (``send_pending_emails``, every few minutes):
            # the unsent ones only, a handful, however many were sent.
            models.Index(fields=["created_at"], condition=Q(emailed_at__isnull=True), name="notification_unsent"),
        ]
        constraints = [
            # The key the Citus step makes the primary key (a distributed table's unique
            # keys hold its distribution column); on PostgreSQL ``id`` stays the primary key.
            models.UniqueConstraint(fields=["recipient", "id"], name="notification_recipient_id"),
        ]

    def __str__(self):
        return self.title
