"""Adding links to the chain and walking it.

Each link is an HMAC-SHA256, under ``settings.AUDIT_KEY``, of the organization, the
sequence, the event's content hash and the previous link: the key is not in the database,
so someone who can write the database can edit an event but cannot make a link that
verifies (a plain SHA-256 they could recompute). Deleting the newest links and rewinding
the head is caught by the anchors kept outside the database (audit/anchors.py).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.signals import post_save

from core.events import events_created

from .keys import audit_key
from .models import AuditLink, ChainHead, chain_name, province_of_chain

# model label → function giving the chain key of an event row: the path of its unit's
# top-level subtree (below). The chain's province is the event's own (``chain_of``).
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


def chain_of_path(path: str) -> str:
    """The chain of a unit: one per top-level subtree — the path of the unit's ancestor just
    below the root (a 机关党委 with its branches, the 纪检监察组), or the root's own path
    for the root's events.

    Sharded because each link locks its chain's head until the transaction commits: with
    one chain per organization every transition of a province waited for the one before,
    and `make bench` measured the lock taking more than a third of sixteen reviewers'
    throughput (README, "Audit trail"). Chains made before the shard (keyed by the root)
    stay as they are and still verify.

    A chain is also one province's (``chain_of``): the subtree's root is the province, so
    the head locked lies in the province's shard on Citus with the event's own row."""
    from responsibilities.models import Unit

    return path[: 2 * Unit.steplen] or "-"


def chain_of(instance: models.Model) -> tuple[int, str]:
    """The chain of an event row: (its province, its organization). An event of a keyed
    table (a report's, a notice's, a round's…) names its province already, the root of
    the tree its chain's subtree lies in; an event of no province (a period's, the
    security log's) takes the province of its chain's root, found from the path."""
    organization = REGISTRY[instance._meta.label](instance)
    province = getattr(instance, "province_id", None)
    if province is None:
        province = province_of_chain(organization, registry=instance._meta.apps)
    return province, organization


def chain_of_unit(unit) -> str:
    return chain_of_path(unit.path) if unit is not None else "-"


def _units(event):
    # The Unit model of the event's own registry: today's, or a migration's historical one
    # (the data migration that chains the events of before the chain calls these too).
    return type(event)._meta.apps.get_model("responsibilities", "Unit")


def _report_event_organization(event) -> str:
    # In a transition the report and its unit are already loaded (assessments.services):
    # no query.
    return chain_of_unit(event.report.unit)


def _oversight_event_organization(event) -> str:
    subject = event.rectification or event.notice
    return chain_of_unit(subject.unit if subject is not None else None)


def _task_event_organization(event) -> str:
    # A 交办 task's steps go to its unit's chain, like a notice's.
    return chain_of_unit(event.task.unit)


def _first_root(event) -> str:
    first = _units(event).objects.filter(depth=1).order_by("path").values_list("path", flat=True).first()
    return first or "-"


def _round_organization(event) -> str:
    # A round's own steps go to the chain of the organization that runs it (the root's own
    # chain, in the round's province: issue 16 item 5); a round of before rounds named
    # their organization (a migration's model) took the first root's.
    if getattr(event.round, "organization_id", None) is not None:
        return chain_of_unit(event.round.organization)
    return _first_root(event)


def _appraisal_event_organization(event) -> str:
    # Round-wide steps (open, publish) have no appraisee: they go to the round's organization's chain.
    if event.appraisee_id is not None:
        return chain_of_unit(event.appraisee.unit)
    return _round_organization(event)


def _period_event_organization(event) -> str:
    # A period spans the whole organization: its steps go to the first root's own chain.
    return _first_root(event)


register("assessments.ReportEvent", _report_event_organization)
register("oversight.Event", _oversight_event_organization)
register("appraisals.AppraisalEvent", _appraisal_event_organization)
register("assessments.PeriodEvent", _period_event_organization)
register("assessments.TaskEvent", _task_event_organization)
# A work record's steps (履责纪实) go to its unit's organization, like a report's.
register("worklog.WorkRecordEvent", lambda event: chain_of_unit(event.record.unit))


def _honour_event_organization(event) -> str:
    # A step on one nomination goes to its unit's chain; a round-wide step (create,
    # publicize, decide) spans the organization: the chain of the one that runs the round.
    if event.nomination_id is not None:
        return chain_of_unit(event.nomination.unit)
    return _round_organization(event)


register("honours.HonourEvent", _honour_event_organization)


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
    """SHA-256 over every concrete field of the row, in a canonical JSON form — but the
    province key: it is where the row is stored (``core.provinces``), derived from what the
    row hangs off, not what happened; a reorganization may move it, and links made before
    the key existed still verify."""
    data = {
        field.attname: _value(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.name != "province"
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


GENESIS = "0" * 64


def link_hash(*, organization: str, sequence: int, content: str, previous: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 under AUDIT_KEY: without the key no one can make a link that verifies."""
    message = f"{organization}|{sequence}|{content}|{previous}".encode()
    return hmac.new(key if key is not None else audit_key(), message, hashlib.sha256).hexdigest()


def plain_link_hash(*, organization: str, sequence: int, content: str, previous: str) -> str:
    """The links of releases before AUDIT_KEY: a plain SHA-256, read only by the upgrade
    (``rechain``)."""
    return hashlib.sha256(f"{organization}|{sequence}|{content}|{previous}".encode()).hexdigest()


def append(instance: models.Model) -> AuditLink:
    """Add ``instance`` to its chain, in the caller's transaction.

    Four statements: the row read back, the head locked, the link inserted, the head
    moved — no savepoint, as the link belongs to the caller's transaction anyway, and the
    chain found from the relations the transition has loaded already. Every statement
    names the event's province: on Citus the whole step stays on the event's shard."""
    return append_many([instance])[0]


def append_many(instances: list[models.Model]) -> list[AuditLink]:
    """Add rows of one model to their chains, in the order given, in the caller's
    transaction: as many statements as for one row (the rows read back, the heads locked
    in the order of their names, the links inserted, each head moved), whatever their
    number — a nightly job locking thousands of reports (``core.events.create_events``)."""
    if not instances:
        return []
    model = type(instances[0])
    chains = [chain_of(instance) for instance in instances]
    # Hash the rows as the database holds them, so the verifier, which reads them back,
    # sees the very same values (types and precision included).
    stored = _stored(model, instances)
    kind = ContentType.objects.get_for_model(model)
    with transaction.atomic(savepoint=False):
        heads = _locked_heads(sorted(set(chains)))
        links = []
        for chain, instance in zip(chains, instances, strict=True):
            head = heads[chain]
            content = content_hash(stored[instance.pk])
            links.append(next_link(AuditLink, head, kind=kind, object_id=instance.pk, content=content))
        AuditLink.objects.bulk_create(links)
        for head in heads.values():
            mine = ChainHead.objects.filter(province_id=head.province_id, pk=head.pk)
            mine.update(sequence=head.sequence, hash=head.hash)
    return links


def _stored(model, instances) -> dict:
    """The rows as stored, by id — read within their provinces where the table has one."""
    rows = model._default_manager.filter(pk__in=[instance.pk for instance in instances])
    if hasattr(instances[0], "province_id"):
        rows = rows.filter(province_id__in={instance.province_id for instance in instances})
    return {row.pk: row for row in rows}


def next_link(model, head, *, kind, object_id: int, content: str, key: bytes | None = None):
    """The (unsaved) link after ``head`` for an event row of content hash ``content``; the
    head (in memory) moves to it. ``model`` is today's AuditLink or a migration's."""
    sequence = head.sequence + 1
    digest = link_hash(organization=head.organization, sequence=sequence, content=content, previous=head.hash, key=key)
    # A migration's AuditLink of before the province (audit 0002) has no such column.
    where = {"province_id": head.province_id} if hasattr(head, "province_id") else {}
    link = model(
        **where,
        organization=head.organization,
        sequence=sequence,
        content_type=kind,
        object_id=object_id,
        content_hash=content,
        previous_hash=head.hash,
        hash=digest,
    )
    head.sequence, head.hash = sequence, digest
    return link


def _locked_heads(chains: list[tuple[int, str]]) -> dict[tuple[int, str], ChainHead]:
    """The heads of ``chains`` ((province, organization), sorted), locked one after another
    in that order — so two jobs chaining into the same heads never wait for each other in
    a circle — and made first where a chain has none yet. Two provinces' events never
    wait for each other: their heads are different rows (on Citus, on different shards)."""
    wanted = Q()
    for province, organization in chains:
        wanted |= Q(province_id=province, organization=organization)
    locked = ChainHead.objects.select_for_update().filter(wanted).order_by("province", "organization")
    heads = {(head.province_id, head.organization): head for head in locked}
    if len(heads) < len(chains):  # a chain's first link
        ChainHead.objects.bulk_create(
            [ChainHead(province_id=p, organization=o) for p, o in chains if (p, o) not in heads],
            ignore_conflicts=True,
        )
        heads = {(head.province_id, head.organization): head for head in locked.all()}
    return heads


def _on_bulk(sender, instances, **kwargs):
    if sender._meta.label in REGISTRY:
        append_many(list(instances))


def _on_save(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        append(instance)


def connect_registered() -> None:
    for label in REGISTRY:
        post_save.connect(_on_save, sender=apps.get_model(label), dispatch_uid=f"audit-{label}")
        events_created.connect(_on_bulk, sender=apps.get_model(label), dispatch_uid=f"audit-bulk-{label}")


def _purged(model, link) -> bool:
    """A row of a model with a retention period, deleted after that period: purged."""
    from django.utils import timezone

    kept_for = RETENTION.get(model._meta.label)
    return kept_for is not None and link.at < timezone.now() - kept_for()


def disconnect_registered() -> None:
    """Stop chaining (the bench's measurement of what the chain costs)."""
    for label in REGISTRY:
        post_save.disconnect(sender=apps.get_model(label), dispatch_uid=f"audit-{label}")
        events_created.disconnect(sender=apps.get_model(label), dispatch_uid=f"audit-bulk-{label}")


# ---- the upgrade: keyed links, and the events of before the chain ----------------------


def rechain(registry=apps, *, out: Callable[[str], None] = print) -> tuple[int, int]:
    """Bring an installation's trail to today's form; returns (links re-keyed, events chained).

    1. The plain SHA-256 links of earlier releases are re-keyed with HMAC under AUDIT_KEY,
       one chain at a time, as far as the plain chain holds: from a broken link on, the
       chain is left as it was, so ``verify_audit`` still names the break after the upgrade
       (the upgrade never launders a tampered trail).
    2. Event rows that have no link — written before the chain existed — are appended to
       their organization's chain in the order they happened, so an upgraded installation
       does not report them as added outside the application.

    ``registry`` is a migration's historical apps (audit/migrations/0002) or today's."""
    Link = registry.get_model("audit", "AuditLink")
    Head = registry.get_model("audit", "ChainHead")
    Kind = registry.get_model("contenttypes", "ContentType")
    key = audit_key()
    rekeyed = chained = 0
    keyed = _has_province(Link)  # today's; audit 0002 runs before the province (0003)
    for chain in _chains(Link):
        where = _where(chain, keyed)
        organization = chain[1]
        previous_plain = previous_keyed = GENESIS
        for link in Link.objects.filter(**where).order_by("sequence"):
            fields = {"organization": organization, "sequence": link.sequence, "content": link.content_hash}
            if link.hash == link_hash(previous=previous_keyed, key=key, **fields):
                previous_plain = previous_keyed = link.hash  # keyed already (a second run)
                continue
            if link.previous_hash != previous_plain or link.hash != plain_link_hash(previous=previous_plain, **fields):
                out(f"audit: {_name(chain, keyed)}#{link.sequence} does not verify; this chain is left as it was")
                break
            previous_plain = link.hash
            link.previous_hash, link.hash = previous_keyed, link_hash(previous=previous_keyed, key=key, **fields)
            link.save(update_fields=["previous_hash", "hash"])
            previous_keyed = link.hash
            rekeyed += 1
        else:
            Head.objects.filter(**where).update(hash=previous_keyed)
    for label, organization_of in REGISTRY.items():
        try:
            model = registry.get_model(label)
        except LookupError:
            # An event table made after the migration that runs this (worklog's): it has
            # no rows from before the chain to bring in.
            continue
        meta = model._meta
        kind = Kind.objects.filter(app_label=meta.app_label, model=meta.model_name).first()
        unlinked = model._default_manager.order_by("at", "pk")
        if kind is not None:
            unlinked = unlinked.exclude(pk__in=Link.objects.filter(content_type=kind).values("object_id"))
        elif not unlinked.exists():
            continue
        else:
            kind = Kind.objects.create(app_label=meta.app_label, model=meta.model_name)
        for row in unlinked:
            organization = organization_of(row)
            where = {"organization": organization}
            if keyed:
                where["province_id"] = getattr(row, "province_id", None)
                if where["province_id"] is None:
                    where["province_id"] = province_of_chain(organization, registry=registry)
            head, _created = Head.objects.get_or_create(**where, defaults={"hash": GENESIS})
            next_link(Link, head, kind=kind, object_id=row.pk, content=content_hash(row), key=key).save()
            head.save(update_fields=["sequence", "hash"])
            chained += 1
    return rekeyed, chained


def _has_province(model) -> bool:
    return any(field.name == "province" for field in model._meta.concrete_fields)


def _chains(Link) -> list[tuple]:
    """Every chain that has links: (province, organization), or (None, organization) on a
    migration's table of before the province."""
    if not _has_province(Link):
        return [
            (None, o) for o in Link.objects.values_list("organization", flat=True).distinct().order_by("organization")
        ]
    return list(
        Link.objects.values_list("province_id", "organization").distinct().order_by("province_id", "organization")
    )


def _where(chain: tuple, keyed: bool) -> dict:
    province, organization = chain
    return {"province_id": province, "organization": organization} if keyed else {"organization": organization}


def _name(chain: tuple, keyed: bool) -> str:
    return chain_name(*chain) if keyed else chain[1]


# ---- verification -----------------------------------------------------------------------


@dataclass
class Problem:
    organization: str
    sequence: int | None
    message: str
    province: int | None = None

    def __str__(self):
        where = f"#{self.sequence}" if self.sequence is not None else ""
        chain = self.organization if self.province is None else chain_name(self.province, self.organization)
        return f"{chain}{where}: {self.message}"


def verify(anchor: dict | None = None) -> tuple[int, list[Problem]]:
    """Walk every chain; return (links checked, problems found — the first broken link of
    each chain first). Also reports registered event rows that have no link at all, and
    chains that no longer reach the heads of the newest anchor (``anchor``, by default
    the last line of the anchor file; see audit/anchors.py).

    On PostgreSQL everything is read in one REPEATABLE READ snapshot: heads, links and
    events as of one moment, so transitions committing meanwhile cause no false breaks."""
    from . import anchors

    if anchor is None:
        anchor = anchors.newest_anchor()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _verify(anchor)
    return _verify(anchor)


def _verify(anchor: dict | None) -> tuple[int, list[Problem]]:
    from . import anchors

    problems: list[Problem] = []
    checked = 0
    heads = {(h.province_id, h.organization): h for h in ChainHead.objects.order_by("pk")}
    anchored: dict = {}
    if anchor is not None:
        if anchors.sealed(anchor):
            anchored = anchors.chains_of(anchor, heads)
        else:
            problems.append(Problem("-", None, f"the anchor of {anchor.get('at')} is not sealed with AUDIT_KEY"))
    kinds: dict[int, type[models.Model]] = {}
    with_links = set(_chains(AuditLink))
    for chain in sorted(set(heads) | with_links | set(anchored)):
        province, organization = chain
        previous = GENESIS
        expected = 1
        hashes_at: dict[int, str] = {}
        wanted = anchored.get(chain, {}).get("sequence")
        links = AuditLink.objects.filter(province_id=province, organization=organization).order_by("sequence")
        for link in links.iterator(chunk_size=2000):
            checked += 1
            if link.sequence != expected:
                problems.append(Problem(organization, expected, "link missing (deleted)", province))
                break
            if link.previous_hash != previous or link.hash != link_hash(
                organization=organization, sequence=link.sequence, content=link.content_hash, previous=previous
            ):
                problems.append(Problem(organization, link.sequence, "link altered", province))
                break
            if link.content_type_id not in kinds:
                kinds[link.content_type_id] = ContentType.objects.get_for_id(link.content_type_id).model_class()
            model = kinds[link.content_type_id]
            # By id alone: an event whose unit moved to another tree since lives in its new
            # province, while its link stays in the chain it was written in (docs/scale.md 5).
            row = model._default_manager.filter(pk=link.object_id).first()
            if row is None and _purged(model, link):
                previous = link.hash
                expected += 1
                continue
            if row is None:
                message = f"{model._meta.label} {link.object_id} deleted"
                problems.append(Problem(organization, link.sequence, message, province))
                break
            if content_hash(row) != link.content_hash:
                message = f"{model._meta.label} {link.object_id} edited"
                problems.append(Problem(organization, link.sequence, message, province))
                break
            if link.sequence == wanted:
                hashes_at[wanted] = link.hash
            previous = link.hash
            expected += 1
        else:
            head = heads.get(chain)
            if head is not None and (head.sequence != expected - 1 or head.hash != previous):
                problems.append(Problem(organization, expected, "newest links missing (deleted)", province))
            if wanted is not None:
                problems.extend(_against_anchor(chain, anchored[chain], hashes_at, expected - 1, anchor))
    for label in REGISTRY:
        model = apps.get_model(label)
        linked = AuditLink.objects.filter(content_type=ContentType.objects.get_for_model(model)).values("object_id")
        stray = model._default_manager.exclude(pk__in=linked).values_list("pk", flat=True)[:5]
        for pk in stray:
            problems.append(Problem("-", None, f"{label} {pk} was added outside the application"))
    return checked, problems


def _against_anchor(chain, anchored: dict, hashes_at: dict, newest: int, anchor: dict) -> list[Problem]:
    """The chain must still hold the head the anchor recorded, unchanged: links after it
    may have been added since, none before it removed or rewritten."""
    province, organization = chain
    sequence, digest = anchored["sequence"], anchored["hash"]
    if newest < sequence:
        message = f"chain ends at #{newest} but the anchor of {anchor['at']} recorded #{sequence}: newest links deleted"
        return [Problem(organization, sequence, message, province)]
    if hashes_at.get(sequence) != digest:
        return [Problem(organization, sequence, f"link differs from the anchor of {anchor['at']}", province)]
    return []
