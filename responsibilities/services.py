"""Everything that changes the responsibility model goes through these functions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .models import (
    MEMBER_KINDS,
    Assignment,
    Cadence,
    Category,
    Checklist,
    DueWindow,
    Duty,
    Frequency,
    Liaison,
    Post,
    PostKind,
    Responsibility,
    Subject,
    Tenure,
    Unit,
    UnitKind,
    WorkType,
)


class ChecklistError(ValueError):
    """A checklist file that cannot be loaded; the message names the problem and the duty."""


DUTY_FIELDS = ("code", "category", "title", "subject", "responsibility", "cadence")


@dataclass
class ChecklistLoadResult:
    checklist: Checklist
    categories: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def parse_checklist(text: str) -> dict:
    """Parse and validate a checklist YAML; raise ``ChecklistError`` naming the problem.

    Nothing is written here, so a bad file loads nothing.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ChecklistError(_("The file is not valid YAML: %(error)s") % {"error": exc}) from exc
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("categories"), list)
        or not isinstance(data.get("duties"), list)
    ):
        raise ChecklistError(_("The file must have a list of 'categories' and a list of 'duties'."))

    category_codes = set()
    for index, category in enumerate(data["categories"], start=1):
        if not isinstance(category, dict) or not category.get("code") or not category.get("name"):
            raise ChecklistError(_("Category number %(n)s needs a code and a name.") % {"n": index})
        category_codes.add(category["code"])

    seen = set()
    choices = {
        "subject": Subject.values,
        "responsibility": Responsibility.values,
        "cadence": Cadence.values,
    }
    for index, duty in enumerate(data["duties"], start=1):
        if not isinstance(duty, dict):
            raise ChecklistError(_("Duty number %(n)s is not a mapping.") % {"n": index})
        code = duty.get("code") or _("number %(n)s") % {"n": index}
        for name in DUTY_FIELDS:
            if not duty.get(name):
                raise ChecklistError(
                    _("Duty %(code)s: the field '%(field)s' is missing.") % {"code": code, "field": name}
                )
        if code in seen:
            raise ChecklistError(_("Duty %(code)s: the code appears twice.") % {"code": code})
        seen.add(code)
        if duty["category"] not in category_codes:
            raise ChecklistError(
                _("Duty %(code)s: unknown category '%(category)s'.") % {"code": code, "category": duty["category"]}
            )
        for name, allowed in choices.items():
            if duty[name] not in allowed:
                raise ChecklistError(
                    _("Duty %(code)s: '%(value)s' is not a valid %(field)s.")
                    % {"code": code, "value": duty[name], "field": name}
                )
        try:
            weight = Decimal(str(duty.get("weight", 1)))
        except ArithmeticError:
            weight = None
        if weight is None or not weight.is_finite() or not (0 <= weight <= 100):
            raise ChecklistError(_("Duty %(code)s: the weight must be a number from 0 to 100.") % {"code": code})
        if len(str(duty["title"])) > Duty._meta.get_field("title").max_length:
            raise ChecklistError(_("Duty %(code)s: the title is too long.") % {"code": code})
        parse_due(duty)
        check_record_keys(duty, code)
    return data


def parse_due(duty: dict) -> dict:
    """A duty's ``due`` key as the model's fields (due_window, due_month, due_day); see the
    checklist file's header. Raises ``ChecklistError`` naming the duty."""
    code, value = duty.get("code"), duty.get("due")
    if value is None:
        quarterly = duty.get("cadence") == Cadence.QUARTERLY
        value = DueWindow.QUARTERLY if quarterly else DueWindow.HALF_YEAR
    if value in (DueWindow.HALF_YEAR, DueWindow.QUARTERLY):
        return {"due_window": value, "due_month": None, "due_day": None}
    month, _sep, day = str(value).partition("-")
    try:
        month, day = int(month), (31 if day == "end" else int(day))  # past the end: its last day
        datetime.date(2000, month, 1 if day == 31 else day)  # a real day of a (leap) year
    except ValueError:
        raise ChecklistError(
            _("Duty %(code)s: the due date '%(value)s' is not half_year, quarterly, MM-DD or MM-end.")
            % {"code": code, "value": value}
        ) from None
    if duty.get("cadence") != Cadence.ANNUAL:
        raise ChecklistError(_("Duty %(code)s: only an annual duty has a due date of its own.") % {"code": code})
    return {"due_window": DueWindow.ANNUAL, "due_month": month, "due_day": day}


def check_record_keys(duty: dict, code: str) -> None:
    """A duty counted in work records names the record type, how many (or each member) and
    per what span; all of them or none."""
    keys = ("records", "required", "each_member", "frequency", "frequency_source")
    if not any(duty.get(k) not in (None, "", False) for k in keys):
        return
    if duty.get("records") not in WorkType.values:
        raise ChecklistError(
            _("Duty %(code)s: '%(value)s' is not a valid %(field)s.")
            % {"code": code, "value": duty.get("records"), "field": "records"}
        )
    if duty.get("frequency") not in Frequency.values:
        raise ChecklistError(
            _("Duty %(code)s: '%(value)s' is not a valid %(field)s.")
            % {"code": code, "value": duty.get("frequency"), "field": "frequency"}
        )
    required = duty.get("required")
    each_member = duty.get("each_member") is True
    valid_count = isinstance(required, int) and not isinstance(required, bool) and 1 <= required <= 100
    if each_member == (required is not None) or (required is not None and not valid_count):
        raise ChecklistError(
            _("Duty %(code)s: give either 'required' (a number from 1 to 100) or 'each_member: true'.") % {"code": code}
        )
    if len(str(duty.get("frequency_source", ""))) > Duty._meta.get_field("frequency_source").max_length:
        raise ChecklistError(_("Duty %(code)s: the source of the frequency is too long.") % {"code": code})


@transaction.atomic
def load_checklist(*, text: str, year: int, publish: bool = True) -> ChecklistLoadResult:
    """Load (or update) the checklist of ``year`` from YAML text.

    Idempotent: duties are matched by code, so a second run updates and never duplicates.
    All or nothing: validation happens before the first write, in one transaction.
    """
    data = parse_checklist(text)
    checklist, _created = Checklist.objects.get_or_create(
        year=year, defaults={"title": _("Party building responsibility checklist %(year)s") % {"year": year}}
    )
    if publish and checklist.status != Checklist.Status.PUBLISHED:
        checklist.status = Checklist.Status.PUBLISHED
        checklist.save(update_fields=["status"])
    result = ChecklistLoadResult(checklist=checklist)

    categories = {}
    for order, raw in enumerate(data["categories"], start=1):
        values = {
            "name": raw["name"],
            "name_en": raw.get("name_en", ""),
            "key": bool(raw.get("key", False)),
            "note": raw.get("note", ""),
            "order": order,
        }
        category, created = Category.objects.get_or_create(code=raw["code"], defaults=values)
        if not created and any(getattr(category, k) != v for k, v in values.items()):
            Category.objects.filter(pk=category.pk).update(**values)
        categories[raw["code"]] = category
        result.categories += 1

    existing = {duty.code: duty for duty in checklist.duties.all()}
    for raw in data["duties"]:
        values = {
            "category": categories[raw["category"]],
            "title": raw["title"],
            "description": raw.get("description", ""),
            "subject": raw["subject"],
            "responsibility": raw["responsibility"],
            "cadence": raw["cadence"],
            "evidence": raw.get("evidence", ""),
            # A key category (政治建设) counts more through its category weight alone
            # (scoring.services.category_weights): a duty's own weight is 1 unless set.
            "weight": raw.get("weight", 1),
            "source": str(raw.get("source", "")),
            **parse_due(raw),
            "record_type": raw.get("records") or "",
            "required_count": raw.get("required"),
            "each_member": raw.get("each_member") is True,
            "frequency": raw.get("frequency") or "",
            "frequency_source": str(raw.get("frequency_source") or ""),
        }
        duty = existing.get(raw["code"])
        if duty is None:
            values["weight"] = Decimal(str(values["weight"]))
            Duty.objects.create(checklist=checklist, code=raw["code"], **values)
            result.created += 1
            continue
        values["weight"] = Decimal(str(values["weight"]))
        changed = [k for k, v in values.items() if getattr(duty, k) != v]
        if changed:
            for k in changed:
                setattr(duty, k, values[k])
            duty.save(update_fields=changed)
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def load_checklist_file(*, path: Path, year: int) -> ChecklistLoadResult:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    return load_checklist(text=text, year=year)


def load_default_checklist(*, path: Path, year: int) -> tuple[ChecklistLoadResult, Checklist]:
    """A fresh install's checklist: the file is loaded as the checklist of the year it was
    written (its ``year`` key: 2020 for the project's own), then copied forward to ``year``
    by ``copy_checklist`` and published there — so the organization's checklist says where
    it comes from, and is not passed off as written this year. Returns the load's result
    and ``year``'s checklist."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    written = parse_checklist(text).get("year") or year
    if not isinstance(written, int) or not (1921 <= written <= year):
        raise ChecklistError(_("The checklist's year must be a year up to %(year)s.") % {"year": year})
    result = load_checklist(text=text, year=written)
    if written == year:
        return result, result.checklist
    current, _duties, _assignments = copy_checklist(from_year=written, to_year=year)
    Checklist.objects.filter(pk=current.pk).update(status=Checklist.Status.PUBLISHED)
    current.refresh_from_db()
    return result, current


# What a duty carries into next year's copy (its checklist is the new one).
COPIED_DUTY_FIELDS = ("code", "category_id", "title", "description", "subject", "responsibility", "cadence")
COPIED_DUTY_FIELDS += ("evidence", "weight", "source", "active")
COPIED_DUTY_FIELDS += ("due_window", "due_month", "due_day")
COPIED_DUTY_FIELDS += ("record_type", "required_count", "each_member", "frequency", "frequency_source")


@transaction.atomic
def copy_checklist(*, from_year: int, to_year: int) -> tuple[Checklist, int, int]:
    """Start next year's checklist as a draft copy of this year's duties and assignments.

    Returns (checklist, duties copied, assignments copied). Safe to run twice: what is
    already there is kept.
    """
    source = Checklist.objects.filter(year=from_year).first()
    if source is None:
        raise ChecklistError(_("There is no checklist for %(year)s.") % {"year": from_year})
    target, _created = Checklist.objects.get_or_create(
        year=to_year,
        defaults={
            "title": _("Party building responsibility checklist %(year)s") % {"year": to_year},
            "status": Checklist.Status.DRAFT,
        },
    )
    existing = set(target.duties.values_list("code", flat=True))
    copies = [
        Duty(checklist=target, **{name: getattr(duty, name) for name in COPIED_DUTY_FIELDS})
        for duty in source.duties.all()
        if duty.code not in existing
    ]
    Duty.objects.bulk_create(copies)
    new_duties = {duty.code: duty.pk for duty in target.duties.all()}
    assignments = [
        Assignment(duty_id=new_duties[a.duty.code], unit_id=a.unit_id, post_id=a.post_id, active=a.active)
        for a in Assignment.objects.filter(duty__checklist=source).select_related("duty")
    ]
    Assignment.objects.bulk_create(assignments, ignore_conflicts=True)
    return target, len(copies), Assignment.objects.filter(duty__checklist=target).count()


@transaction.atomic
def set_post_holder(*, post: Post, person, since: datetime.date | None = None) -> Tenure:
    """Make ``person`` the holder of ``post`` from ``since`` (today by default).

    The previous tenure is closed the day before, so the history stays; the post's
    assignments need no change because duties follow the post, not the person.
    """
    since = since or timezone.localdate()
    post = Post.objects.select_for_update().get(pk=post.pk)
    current = post.tenures.filter(ended__isnull=True).first()
    if current is not None and current.person_id == person.pk:
        return current
    if current is not None:
        if since <= current.started:
            raise ValueError(_("The new holder must start after the current holder's start date."))
        current.ended = since - datetime.timedelta(days=1)
        current.save(update_fields=["ended"])
    tenure = Tenure.objects.create(post=post, person=person, started=since)
    post.holder = person
    post.save(update_fields=["holder"])
    return tenure


@transaction.atomic
def set_liaison(*, unit: Unit, post: Post, since: datetime.date | None = None) -> Liaison:
    """Make ``post`` the liaison post (党建联系点) of ``unit`` from ``since`` (today by
    default). The current liaison is closed the day before, so the history stays; whoever
    holds ``post`` reviews the unit's reports from then on, and a later holder inherits it.
    """
    since = since or timezone.localdate()
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one change of a unit's liaison at a time
    current = Liaison.objects.filter(unit=unit, ended__isnull=True).first()
    if current is not None and current.post_id == post.pk:
        return current
    if current is not None:
        if since <= current.started:
            raise ValueError(_("The new liaison must start after the current one's start date."))
        current.ended = since - datetime.timedelta(days=1)
        current.save(update_fields=["ended"])
    unit.__dict__.pop("_liaison", None)
    return Liaison.objects.create(unit=unit, post=post, started=since)


def set_portfolio(*, post: Post, portfolio: str) -> Post:
    """Set the 分管 areas of ``post`` (one a line); the post's history keeps the old ones."""
    post.portfolio = "\n".join(line.strip() for line in portfolio.splitlines() if line.strip())
    post.save(update_fields=["portfolio"])
    return post


def vacate_post(*, post: Post, since: datetime.date | None = None) -> None:
    """Leave ``post`` without a holder from ``since`` (today): the open tenure ends the day
    before, so who held it stays in the history; the post and its duties stay."""
    since = since or timezone.localdate()
    post = Post.objects.select_for_update().get(pk=post.pk)
    current = post.tenures.filter(ended__isnull=True).first()
    if current is not None:
        current.ended = max(current.started, since - datetime.timedelta(days=1))
        current.save(update_fields=["ended"])
    if post.holder_id is not None:
        post.holder = None
        post.save(update_fields=["holder"])


# Which unit kind and post kind carry a duty, by the checklist's ``subject``.
SUBJECT_UNIT_KIND = {
    Subject.LEADING_GROUP: UnitKind.LEADING_GROUP,
    Subject.LEADING_GROUP_SECRETARY: UnitKind.LEADING_GROUP,
    Subject.LEADING_GROUP_MEMBER: UnitKind.LEADING_GROUP,
    Subject.LEADING_GROUP_ALL: UnitKind.LEADING_GROUP,
    Subject.ORGAN_COMMITTEE: UnitKind.ORGAN_COMMITTEE,
    Subject.BRANCH: UnitKind.BRANCH,
    Subject.DISCIPLINE_GROUP: UnitKind.DISCIPLINE_GROUP,
}


# Duties given to every one of these posts of a unit ("each 班子成员", 一、二); any other
# duty goes to the unit's secretary seat (书记抓, 一、三), the 机关党委's 专责 duties to the
# 机关党委书记's.
FAN_OUT = {
    Subject.LEADING_GROUP_MEMBER: MEMBER_KINDS,
    Subject.LEADING_GROUP_ALL: (PostKind.SECRETARY, *MEMBER_KINDS),
}


def carrier_posts(unit: Unit, duty: Duty, posts: Iterable[Post]) -> list[Post]:
    """The posts of ``unit`` that carry ``duty``: every member seat for a duty of each
    班子成员 (the secretary's too where the duty says so), else the secretary's seat (or,
    in a unit without one, its first post)."""
    posts = [p for p in posts if p.unit_id == unit.pk and p.active]
    kinds = FAN_OUT.get(duty.subject)
    if kinds is not None:
        return [p for p in posts if p.kind in kinds]
    secretary = [p for p in posts if p.kind == PostKind.SECRETARY]
    return secretary[:1] or posts[:1]


@dataclass
class BulkAssignPlan:
    """What a bulk assignment would do, shown before it is confirmed."""

    to_create: list[tuple[Duty, Unit, Post]] = field(default_factory=list)
    already: list[tuple[Duty, Unit]] = field(default_factory=list)
    no_post: list[tuple[Duty, Unit]] = field(default_factory=list)


def plan_bulk_assignment(*, duties: Iterable[Duty], units: Iterable[Unit]) -> BulkAssignPlan:
    """Work out which (duty, post) pairs are new, which (duty, unit) pairs are already
    carried in full, and which units have no post to carry a duty."""
    duties = list(duties)
    units = list(units)
    existing = set(Assignment.objects.filter(duty__in=duties, unit__in=units).values_list("duty_id", "post_id"))
    posts = list(Post.objects.filter(unit__in=units, active=True))
    plan = BulkAssignPlan()
    for duty in duties:
        for unit in units:
            carriers = carrier_posts(unit, duty, posts)
            if not carriers:
                plan.no_post.append((duty, unit))
                continue
            new = [post for post in carriers if (duty.pk, post.pk) not in existing]
            if not new:
                plan.already.append((duty, unit))
            plan.to_create.extend((duty, unit, post) for post in new)
    return plan


def bulk_assign(*, duties: Iterable[Duty], units: Iterable[Unit], user=None) -> BulkAssignPlan:
    """Give every duty to the posts of every unit that carry it, skipping pairs that exist.

    The unique constraint on (duty, post) decides races: when another bulk assignment
    committed some of the same pairs first, the insert fails as a whole, and the plan
    is made again against what now exists, so each pair is created exactly once.
    """
    duties, units = list(duties), list(units)
    for attempt in range(3):
        plan = plan_bulk_assignment(duties=duties, units=units)
        try:
            with transaction.atomic():
                bulk_create_with_history(
                    [Assignment(duty=d, unit=u, post=p) for d, u, p in plan.to_create],
                    Assignment,
                    default_user=user,
                )
        except IntegrityError:
            if attempt == 2:
                raise
            continue
        return plan
    raise AssertionError("unreachable")


def assign_by_subject(*, checklist: Checklist) -> int:
    """Assign every active duty of ``checklist`` to the units its subject names.

    党组 duties to the 党组, branch duties to every 党支部, and so on. Returns how many
    assignments were created; existing ones are left alone.
    """
    created = 0
    units_by_kind: dict[str, list[Unit]] = {}
    for unit in Unit.objects.filter(active=True):
        units_by_kind.setdefault(unit.kind, []).append(unit)
    for subject, kind in SUBJECT_UNIT_KIND.items():
        duties = checklist.duties.filter(subject=subject, active=True)
        units = units_by_kind.get(kind, [])
        if duties.exists() and units:
            created += len(bulk_assign(duties=duties, units=units).to_create)
    return created
