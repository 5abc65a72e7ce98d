"""The bench's and `make load`'s reads of notifications, each naming its recipients.

On Citus the notifications are distributed by ``recipient_id`` (docs/scale.md 5, item 11):
a read that names no recipient asks every shard, and ``tests/notifications/
test_distribution.py`` fails on such a query of the application. The tools do as the sweep
of unsent e-mails does: the people first (``accounts_user``, the coordinator's table), then
the notifications of each batch of them (``recipient_id IN (…)``, over the unique index
``(recipient, id)``). A harness's read of everyone's rows still reaches every shard, one
batch at a time; what it no longer does is read the table with no recipient named.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

# Recipients named per query: a short list for PostgreSQL, well under SQLite's limit of
# parameters per statement.
BATCH = 2000


def people() -> list[int]:
    """Everyone who may be told, by id (the recipients the reads below name)."""
    from accounts.models import User

    return list(User.objects.order_by("pk").values_list("pk", flat=True))


def batches(recipients: list[int], **filters) -> Iterator:
    """The notifications of ``recipients`` matching ``filters``, a batch of recipients each."""
    from notifications.models import Notification

    for start in range(0, len(recipients), BATCH):
        yield Notification.objects.filter(recipient_id__in=recipients[start : start + BATCH], **filters)


def last_id(recipients: list[int]) -> int:
    """The newest notification's id (0: none): a mark the run's rows come after."""
    from django.db.models import Max

    return max((rows.aggregate(last=Max("pk"))["last"] or 0 for rows in batches(recipients)), default=0)


def count(recipients: list[int], **filters) -> int:
    return sum(rows.count() for rows in batches(recipients, **filters))


def told(recipients: list[int], **filters) -> list[tuple[int, int]]:
    """(id, recipient id) of each notification matching ``filters``, by id."""
    return sorted(
        pair for rows in batches(recipients, **filters) for pair in rows.order_by().values_list("pk", "recipient_id")
    )


def mark_emailed(recipients: list[int], when: datetime.datetime) -> int:
    """Count every notification not yet e-mailed as e-mailed at ``when``."""
    return sum(rows.update(emailed_at=when) for rows in batches(recipients, emailed_at__isnull=True))
