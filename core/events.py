"""What every event row has in common (留痕): who acted, when, and why.

Each app keeps its own event table — a report's, an oversight item's, an appraisal's —
with the foreign key to what the event is about and its own list of actions; the rest is
written here once. Event rows are never changed or deleted: the audit chain (``audit/``)
hashes each one as it is written, and the admin shows them read-only.
"""

from __future__ import annotations

from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import person


class AbstractEvent(models.Model):
    """One step in the life of something. The concrete model adds ``action`` (a CharField
    of max_length 20 with its own choices) and the foreign key to the thing."""

    actor = person(_("by"), optional=True, help_text=_("Empty when the system acted (a schedule)."))
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class AbstractTransitionEvent(AbstractEvent):
    """An event that moved a thing from one state to another (or kept it, for a file
    added or removed): both states are kept, so a history can be replayed and checked."""

    from_state = models.CharField(_("from"), max_length=10, blank=True)
    to_state = models.CharField(_("to"), max_length=10, blank=True)

    class Meta(AbstractEvent.Meta):
        abstract = True


# Sent with ``instances`` after event rows were inserted together (``create_events``), which
# sends no ``post_save``: the audit chain links each of them in the same transaction.
events_created = Signal()


def create_events(model: type[models.Model], events: list[models.Model]) -> list[models.Model]:
    """Insert many event rows of ``model`` at once (a job's steps on thousands of rows) and
    have each chained like one saved on its own (留痕): in the caller's transaction, in
    the order given. Each instance may carry its relations loaded (the chain reads them to
    find its organization)."""
    if not events:
        return []
    made = model._default_manager.bulk_create(events)
    events_created.send(sender=model, instances=made)
    return made
