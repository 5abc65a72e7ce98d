"""Tell people things: an in-app notification each, and an e-mail in their own language."""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Hashable, Iterable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.utils import timezone, translation

from core.background import queue

from .models import Notification

logger = logging.getLogger(__name__)


@functools.cache
def text_engine() -> DjangoTemplates:
    """The templates of notifications, rendered as plain text: no HTML escaping.

    A notification holds what the person wrote and what the message says, as plain text;
    it is escaped once, where HTML is made (the list page, an HTML part), never here — so
    a comment with ``& < > " '`` reaches the list and the e-mail as it was written.
    """
    default = engines["django"]
    return DjangoTemplates(
        {
            "NAME": "notification_text",
            "DIRS": default.dirs,
            "APP_DIRS": default.app_dirs,
            "OPTIONS": {"autoescape": False},
        }
    )


def render_text(name: str, context: dict) -> str:
    return text_engine().get_template(name).render(context).strip()


class Message(NamedTuple):
    """One notification to make: for ``person``, from ``context``. Messages with the same
    ``same_as`` (not None) read the same in a language, so each language renders them once."""

    person: Any
    context: dict
    url: str = ""
    same_as: Hashable | None = None


def notify(*, recipients: Iterable, kind: str, template: str, context: dict, url: str = "") -> list[Notification]:
    """Create one notification per distinct recipient and queue its e-mail after commit.

    ``template`` names ``notifications/<template>_subject.txt`` and ``_body.txt``; each is
    rendered in the recipient's language, so every person reads their own (once a language:
    everyone here has the same context).
    """
    return notify_each(
        kind=kind, template=template, messages=(Message(person, context, url, "all") for person in recipients)
    )


def notify_each(*, kind: str, template: str, messages: Iterable[Message]) -> list[Notification]:
    """``notify`` for many people at once, each with their own context: one insert and one
    queued e-mail task for all. Inactive people and repeats of a person are left out; the
    notifications come back in the order of ``messages``."""
    made = []
    seen = set()
    rendered: dict[tuple[str, Hashable], tuple[str, str]] = {}
    for person, context, url, same_as in messages:
        if person is None or person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        language = person.language or settings.LANGUAGE_CODE
        text = rendered.get((language, same_as)) if same_as is not None else None
        if text is None:
            with translation.override(language):
                # Every label is made here, in the reader's language (lazy texts in ``context``).
                title = " ".join(render_text(f"notifications/{template}_subject.txt", context).split())
                text = (title[:200], render_text(f"notifications/{template}_body.txt", context))
            if same_as is not None:
                rendered[(language, same_as)] = text
        made.append(Notification(recipient=person, kind=kind, title=text[0], body=text[1], url=url))
    Notification.objects.bulk_create(made, batch_size=1000)
    pairs = [(n.pk, n.recipient_id) for n in made if n.pk]
    if not pairs and made:  # SQLite before 3.35 gives no ids back from bulk_create
        pairs = list(
            Notification.objects.filter(recipient_id__in=seen, kind=kind, emailed_at__isnull=True).values_list(
                "pk", "recipient_id"
            )
        )
    if pairs:
        ids = [pk for pk, _person in pairs]
        recipients = [person for _pk, person in pairs]
        transaction.on_commit(lambda: queue_emails(ids, recipients, paired=True))
    return made


def queue_emails(ids: list[int], recipients: list[int] | None = None, *, paired: bool = False) -> None:
    """Queue the e-mails; when the broker is down, log it and go on. This runs after the
    commit of whatever the person did (a submission, a review), which must not turn into
    an error page: the notifications are kept with ``emailed_at`` empty and
    ``send_pending_emails`` (every few minutes, by beat) sends them once the broker is back."""
    try:
        queue("notifications.tasks.send_notification_emails", ids, recipients, paired=paired)
    except Exception as exc:  # kombu's OperationalError, or the transport's own error
        logger.warning("e-mails of notifications %s left pending: broker unreachable (%s)", ids, exc)


def send_pending_emails(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Send the e-mails that were never sent: their queueing failed (broker down) or their
    task was lost. Only notifications older than ``older_than`` are taken, so the normal
    path is left to finish; ``send_emails`` locks each row, so nothing goes out twice."""
    cutoff = timezone.now() - older_than
    # The one read of every recipient's notifications (on Citus every shard, each walking
    # its part of ``notification_unsent``, which holds the unsent ones only).
    pending = list(
        Notification.objects.filter(emailed_at__isnull=True, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("recipient_id", "pk")
    )
    return send_emails([pk for _, pk in pending], [recipient for recipient, _ in pending], paired=True)


EMAIL_BATCH = 200


def send_emails(ids: list[int], recipients: list[int] | None = None, *, paired: bool = False) -> int:
    """Send the e-mail of each notification not yet e-mailed; safe to run twice.

    ``recipients``: the people they are to, so each read names the table's distribution
    column (docs/scale.md section 5); None for a task queued by an earlier release.
    ``paired``: ``recipients[i]`` is the recipient of ``ids[i]``, so a batch names only its
    own people; otherwise (a task queued by an earlier release) ``recipients`` is everyone
    told and each batch names them all, which grows with the square of the people.

    All go over one connection to the mail server, a batch of rows at a time. The rows of
    a batch are locked while their mails go out and each is marked only once its mail was
    accepted, so a failure leaves the rest for the retry and two workers never send the same
    one.
    """
    sent = 0
    with get_connection() as connection:
        for start in range(0, len(ids), EMAIL_BATCH):
            failure = None
            batch = slice(start, start + EMAIL_BATCH)
            if recipients is None:
                mine = Notification.objects.all()
            else:
                mine = Notification.objects.filter(
                    recipient_id__in=sorted(set(recipients[batch])) if paired else recipients
                )
            with transaction.atomic():
                notes = list(
                    mine.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient")
                    .filter(pk__in=ids[batch], emailed_at__isnull=True)
                    .order_by("pk")
                )
                done = []
                for note in notes:
                    if note.recipient.email:
                        mail = EmailMessage(note.title, note.body, settings.DEFAULT_FROM_EMAIL, [note.recipient.email])
                        try:
                            connection.send_messages([mail])
                        except Exception as exc:  # the server refused or went away: keep what went out
                            failure = exc
                            break
                        sent += 1
                    done.append(note.pk)
                mine.filter(pk__in=done).update(emailed_at=timezone.now())
            if failure is not None:
                raise failure
    return sent


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
