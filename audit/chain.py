"""Adding links to the chain and walking it."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_save

from .models import AuditLink, ChainHead

# model label → function giving the organization key (root unit path) of an event row.
REGISTRY: dict[str, Callable[[models.Model], str]] = {}
# model label → function giving the age past which its rows may be purged (the security
# log's retention): such a row gone is not a break in the chain once its link is older.
RETENTION: dict[str, Callable[[], datetime.timedelta]] = {}


def register(
    label: str,
    organization_of: Callable[[models.Model], str],
    *,
    kept_for: Callable[[], datetime.timedelta] | None = None,
) -> None:
    """Chain every new row of ``label`` (e.g. "assessments.ReportEvent")."""
    REGISTRY[label] = organization_of
    if kept_for is not None:
        RETENTION[label] = kept_for


def root_of_unit(unit) -> str:
    from responsibilities.models import Unit

    return unit.path[: Unit.steplen] if unit is not None else "-"


def _report_event_organization(event) -> str:
    from responsibilities.models import Unit

    path = Unit.objects.filter(reports__events=event).values_list("path", flat=True).first() or ""
    return path[: Unit.steplen] or "-"


def _oversight_event_organization(event) -> str:
    subject = event.rectification or event.notice
    return root_of_unit(subject.unit if subject is not None else None)


def _first_root() -> str:
    from responsibilities.models import Unit

    first = Unit.objects.filter(depth=1).order_by("path").values_list("path", flat=True).first()
    return first or "-"


def _appraisal_event_organization(event) -> str:
    # Round-wide steps (open, publish) have no appraisee: they go to the first root's chain.
    if event.appraisee_id is not None:
        return root_of_unit(event.appraisee.unit)
    return _first_root()


def _period_event_organization(event) -> str:
    # A period spans the whole organization: its steps go to the first root's chain.
    return _first_root()


register("assessments.ReportEvent", _report_event_organization)
register("oversight.Event", _oversight_event_organization)
register("appraisals.AppraisalEvent", _appraisal_event_organization)
register("assessments.PeriodEvent", _period_event_organization)


def _security_retention() -> datetime.timedelta:
    from accounts.security import retention_days

    return datetime.timedelta(days=retention_days())


# The security log has a chain of its own; entries past their retention may be purged.
register("accounts.SecurityEvent", lambda event: "security", kept_for=_security_retention)


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def content_hash(instance: models.Model) -> str:
    """SHA-256 over every concrete field of the row, in a canonical JSON form."""
    data = {field.attname: _value(getattr(instance, field.attname)) for field in instance._meta.concrete_fields}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link_hash(*, organization: str, sequence: int, content: str, previous: str) -> str:
    return hashlib.sha256(f"{organization}|{sequence}|{content}|{previous}".encode()).hexdigest()


def append(instance: models.Model) -> AuditLink:
    """Add ``instance`` to its organization's chain, in the caller's transaction."""
    organization = REGISTRY[instance._meta.label](instance)
    # Hash the row as the database holds it, so the verifier, which reads it back,
    # sees the very same values (types and precision included).
    instance = type(instance)._default_manager.get(pk=instance.pk)
    with transaction.atomic():
        head, _created = ChainHead.objects.get_or_create(organization=organization)
        head = ChainHead.objects.select_for_update().get(pk=head.pk)
        content = content_hash(instance)
        sequence = head.sequence + 1
        digest = link_hash(organization=organization, sequence=sequence, content=content, previous=head.hash)
        link = AuditLink.objects.create(
            organization=organization,
            sequence=sequence,
            content_type=ContentType.objects.get_for_model(instance),
            object_id=instance.pk,
            content_hash=content,
            previous_hash=head.hash,
            hash=digest,
        )
        head.sequence, head.hash = sequence, digest
        head.save(update_fields=["sequence", "hash"])
    return link


def _on_save(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        append(instance)


def connect_registered() -> None:
    for label in REGISTRY:
        post_save.connect(_on_save, sender=apps.get_model(label), dispatch_uid=f"audit-{label}")


def _purged(model, link) -> bool:
    """A row of a model with a retention period, deleted after that period: purged."""
    from django.utils import timezone

    kept_for = RETENTION.get(model._meta.label)
    return kept_for is not None and link.at < timezone.now() - kept_for()


@dataclass
class Problem:
    organization: str
    sequence: int | None
    message: str

    def __str__(self):
        where = f"#{self.sequence}" if self.sequence is not None else ""
        return f"{self.organization}{where}: {self.message}"


def verify() -> tuple[int, list[Problem]]:
    """Walk every chain; return (links checked, problems found — the first broken link of
    each chain first). Also reports registered event rows that have no link at all."""
    problems: list[Problem] = []
    checked = 0
    heads = {h.organization: h for h in ChainHead.objects.all()}
    for organization in sorted(set(heads) | set(AuditLink.objects.values_list("organization", flat=True))):
        previous = "0" * 64
        expected = 1
        links = AuditLink.objects.filter(organization=organization).select_related("content_type").order_by("sequence")
        for link in links.iterator(chunk_size=2000):
            checked += 1
            if link.sequence != expected:
                problems.append(Problem(organization, expected, "link missing (deleted)"))
                break
            if link.previous_hash != previous or link.hash != link_hash(
                organization=organization, sequence=link.sequence, content=link.content_hash, previous=previous
            ):
                problems.append(Problem(organization, link.sequence, "link altered"))
                break
            model = link.content_type.model_class()
            row = model._default_manager.filter(pk=link.object_id).first()
            if row is None and _purged(model, link):
                previous = link.hash
                expected += 1
                continue
            if row is None:
                problems.append(Problem(organization, link.sequence, f"{model._meta.label} {link.object_id} deleted"))
                break
            if content_hash(row) != link.content_hash:
                problems.append(Problem(organization, link.sequence, f"{model._meta.label} {link.object_id} edited"))
                break
            previous = link.hash
            expected += 1
        else:
            head = heads.get(organization)
            if head is not None and head.sequence != expected - 1:
                problems.append(Problem(organization, expected, "newest links missing (deleted)"))
    for label in REGISTRY:
        model = apps.get_model(label)
        linked = AuditLink.objects.filter(content_type=ContentType.objects.get_for_model(model)).values("object_id")
        stray = model._default_manager.exclude(pk__in=linked).values_list("pk", flat=True)[:5]
        for pk in stray:
            problems.append(Problem("-", None, f"{label} {pk} was added outside the application"))
    return checked, problems
