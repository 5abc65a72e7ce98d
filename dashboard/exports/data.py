"""Reads shared by the Excel workbook and the hearing pack: grouped queries over a list of
units (``summarize``), never a query per unit. The pack summarizes its units at once (at most
a few hundred, see ``pack_content``); the workbook a page of ``unit_chunks`` at a time, so
that what it holds does not grow with the size of the organization."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum, prefetch_related_objects
from django.utils import timezone

from assessments.models import Half, Period, Report, UnitPlan
from core import honours
from oversight.models import Rectification, SupervisionNotice
from responsibilities import access
from responsibilities.models import Assignment, Post, Unit, UnitKind
from scoring.models import ScoreLine, UnitScore
from worklog import compliance


def scope_q(root: Unit | None, field: str = "unit") -> Q:
    """The export's units: ``root``'s subtree, exactly what the dashboard of ``root`` shows
    (the download is then handed out only to those whose scope covers it)."""
    return access.in_subtree(root, field)


@dataclass
class UnitSummary:
    unit: Unit
    counts: dict[str, int] = field(default_factory=dict)
    score: Decimal | None = None
    subtree_score: Decimal | None = None
    report_points: Decimal = Decimal(0)
    deductions: Decimal = Decimal(0)
    bonuses: Decimal = Decimal(0)
    adjustments: list = field(default_factory=list)  # deduction and bonus lines
    problems: list = field(default_factory=list)  # returned and locked reports

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, state: str) -> int:
        return self.counts.get(state, 0)


# Units per page of ``unit_chunks``: what the workbook holds at once, whatever the size of the
# scope — their summaries and reports (some 30 a unit) — and a handful of queries per page.
UNITS_PER_CHUNK = 200


def unit_chunks(root: Unit | None, size: int | None = None) -> Iterator[list[Unit]]:
    """The units of ``root``'s subtree in tree order, ``size`` at a time: keyset pages on the
    path (unique, indexed), so neither the process nor a server-side cursor holds the whole
    tree — also behind a transaction pooler, where ``iterator()`` fetches everything at once."""
    size = size or UNITS_PER_CHUNK
    scope = Unit.objects.filter(scope_q(root, "")).order_by("path")
    after = None
    while True:
        units = list((scope if after is None else scope.filter(path__gt=after))[:size])
        if units:
            yield units
        if len(units) < size:
            return
        after = units[-1].path


def with_assignments(reports: list[Report], *, posts: bool = False) -> dict[int, int]:
    """Give each of ``reports`` its assignment and duty (and post): read by the ids the
    reports name, within their provinces (co-located on Citus, docs/scale.md 5), one table at
    a time — never by a join of the reports to the assignments, for which the planner may hash
    every assignment of the organization to read a page of reports (docs/scale.md 7). Returns
    each assignment's rank by its duty's code in the database's order, to sort by."""
    provinces_in = {r.province_id for r in reports}
    assignments = list(
        Assignment.objects.filter(province__in=provinces_in, pk__in={r.assignment_id for r in reports})
        .select_related("duty")
        .order_by("duty__code")
    )
    if posts:
        prefetch_related_objects(assignments, Prefetch("post", queryset=Post.objects.filter(province__in=provinces_in)))
    by_id = {a.pk: a for a in assignments}
    for report in reports:
        Report.assignment.field.set_cached_value(report, by_id[report.assignment_id])
    return code_ranks((a.pk, a.duty.code) for a in assignments)


def code_ranks(codes: Iterable[tuple[int, str]]) -> dict[int, int]:
    """id → rank of its code, from ``(id, code)`` pairs in the database's order of the codes
    (its collation, not Python's), equal codes of equal rank."""
    ranks, rank, last = {}, -1, None
    for pk, code in codes:
        if code != last:
            rank, last = rank + 1, code
        ranks[pk] = rank
    return ranks


def summarize(
    period: Period, units: list[Unit], *, adjustments: bool = False, problems: bool = False
) -> list[UnitSummary]:
    """One line per unit of ``units``, in their order: state counts, stored scores, and the
    sums of deductions and bonuses — 3 queries; ``adjustments`` adds the deduction and bonus
    lines, ``problems`` the returned and locked reports — a query each."""
    summaries = {u.pk: UnitSummary(unit=u) for u in units}
    ids = list(summaries)
    if not ids:
        return []
    for row in (
        Report.objects.filter(period=period, unit_id__in=ids)
        .values("unit_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        summaries[row["unit_id"]].counts[row["state"]] = row["n"]
    scores = {}
    for score in UnitScore.objects.filter(period=period, unit_id__in=ids).only(
        "unit_id", "province_id", "score", "subtree_score"
    ):
        summaries[score.unit_id].score = score.score
        summaries[score.unit_id].subtree_score = score.subtree_score
        scores[score.pk] = score
    # A line read by its score's id within its province (docs/scale.md 5), not joined to the
    # scores: a join lets the planner hash every line of the period for each page.
    lines = ScoreLine.objects.filter(province__in={s.province_id for s in scores.values()}, unit_score__in=list(scores))
    for row in lines.values("unit_score_id", "kind").annotate(points=Sum("points")).order_by():
        summary = summaries[scores[row["unit_score_id"]].unit_id]
        if row["kind"] == ScoreLine.Kind.DEDUCTION:
            summary.deductions = row["points"]
        elif row["kind"] == ScoreLine.Kind.BONUS:
            summary.bonuses = row["points"]
        else:
            summary.report_points = row["points"]
    if adjustments:
        for line in (
            lines.exclude(kind=ScoreLine.Kind.REPORT)
            .values("unit_score_id", "kind", "label", "points")
            .order_by("unit_score_id", "kind", "id")
        ):
            summaries[scores[line["unit_score_id"]].unit_id].adjustments.append(line)
    if problems:
        found = list(
            Report.objects.filter(
                period=period, unit_id__in=ids, state__in=[Report.State.RETURNED, Report.State.LOCKED]
            ).select_related("category")
        )
        rank = with_assignments(found)
        for report in sorted(found, key=lambda r: (r.unit_id, rank[r.assignment_id], r.pk)):
            summaries[report.unit_id].problems.append(report)
    return list(summaries.values())


# ---------------------------------------------------------------------------------------
# The hearing pack's substance (一、三 "每半年听取一次党建工作汇报"): each unit's own account,
# its problems, its 整改 and 督办, its plan for the next half, and what is proposed for
# decision. A fixed number of queries whatever the number of units.

ABBREVIATE_AT = 300  # characters of a report's text printed before "…"

# The rules that propose items for decision, as plain numbers (see ``proposals``).
COMMEND_SCORE = Decimal(90)  # at or above, with no problem at all: proposed for commendation
RECTIFY_SCORE = Decimal(60)  # below: proposed to be ordered to rectify


def abbreviate(text: str, limit: int = ABBREVIATE_AT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


@dataclass
class UnitAccount:
    """One unit's part of the pack."""

    summary: UnitSummary
    previous_score: Decimal | None = None
    reports: list = field(default_factory=list)  # its reports, by category order then duty
    late: list = field(default_factory=list)  # submitted after the due date
    rectifications: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    plan: str = ""
    work_records: list = field(default_factory=list)
    honours: list = field(default_factory=list)  # core.honours.Conferred, newest first

    @property
    def unit(self) -> Unit:
        return self.summary.unit

    @property
    def by_category(self) -> list[tuple]:
        groups: dict = {}
        for report in self.reports:
            groups.setdefault(report.category, []).append(report)
        return list(groups.items())

    @property
    def unfiled(self) -> list:
        """Reports still not filed (draft, returned or locked)."""
        return [r for r in self.reports if r.state in Report.UNSUBMITTED]

    @property
    def locked(self) -> list:
        return [r for r in self.reports if r.state == Report.State.LOCKED]

    @property
    def returned(self) -> list:
        return [r for r in self.reports if r.state == Report.State.RETURNED]

    def overdue_rectifications(self, today) -> list:
        return [r for r in self.rectifications if r.is_overdue(today)]

    def overdue_notices(self, today) -> list:
        return [n for n in self.notices if n.is_overdue(today)]

    @property
    def change(self) -> Decimal | None:
        if self.summary.score is None or self.previous_score is None:
            return None
        return self.summary.score - self.previous_score


@dataclass
class Proposal:
    """An item proposed for decision, derived by one of the rules of ``proposals``."""

    rule: str  # supervise | rectify | talk | commend
    unit: Unit
    numbers: dict = field(default_factory=dict)


@dataclass
class PackContent:
    period: Period
    previous: Period | None
    root: Unit | None
    accounts: list[UnitAccount]
    totals: dict
    proposals: list[Proposal]
    today: object
    partial: bool = False  # too many units: accounts of the top levels only


def previous_period(period: Period) -> Period | None:
    return (
        Period.objects.filter(Q(year__lt=period.year) | Q(year=period.year, half__lt=period.half))
        .exclude(state=Period.State.SCHEDULED)
        .order_by("-year", "-half")
        .first()
    )


def work_records_for_pack(period: Period, units: list[Unit]) -> dict[int, list[str]]:
    """The work records (履责纪实) of each unit against what the rules require, by unit id,
    one line per counted duty of the unit's posts — "支部委员会 4/6 · 落后 2 次" — for the
    half of ``period`` (a yearly duty: its year), as the secretary's home counts them
    (``worklog.compliance``, 二、一 向党支部延伸). Two queries; a unit with no counted duty
    has no line, and the pack then prints no section for it."""
    if not units:
        return {}
    within = datetime.date(period.year, 1 if period.half == Half.FIRST else 7, 1)
    assignments = compliance.counted_assignments(units=[unit.pk for unit in units], year=period.year)
    found = compliance.tallies(assignments.select_related("post__holder"), within=within)
    # A duty each 班子成员 carries for themselves (讲党课 at the 联系点 …) is one line per person.
    shared = Counter((tally.assignment.unit_id, tally.duty.pk) for tally in found)
    lines: dict[int, list[str]] = {}
    for tally in found:
        target = "?" if tally.target is None else tally.target
        line = f"{tally.label} {tally.done}/{target} · {tally.words}"
        if shared[(tally.assignment.unit_id, tally.duty.pk)] > 1:
            post = tally.assignment.post
            line = f"{post.holder.display_name if post.holder else post.title}：{line}"
        lines.setdefault(tally.assignment.unit_id, []).append(line)
    return lines


def pack_content(period: Period, root: Unit | None, *, max_units: int = 200, today=None) -> PackContent:
    """Everything the hearing pack prints for ``period`` over ``root``'s subtree — the units
    of the requester's dashboard (``scope_q``)."""
    today = today or timezone.localdate()
    scope = Unit.objects.filter(scope_q(root, "")).order_by("path")
    units = list(scope[: max_units + 1])
    partial = len(units) > max_units
    if partial:  # a book nobody reads in a meeting: the top two levels speak for the rest
        floor = (root.depth if root is not None else 1) + 1
        units = list(scope.filter(depth__lte=floor))
    summaries = summarize(period, units, adjustments=True, problems=True)
    accounts = {s.unit.pk: UnitAccount(summary=s) for s in summaries}
    ids = list(accounts)
    previous = previous_period(period)
    if previous is not None:
        for unit_id, score in UnitScore.objects.filter(period=previous, unit_id__in=ids).values_list(
            "unit_id", "score"
        ):
            accounts[unit_id].previous_score = score
    reports = list(Report.objects.filter(period=period, unit_id__in=ids).select_related("category"))
    rank = with_assignments(reports, posts=True)
    reports.sort(key=lambda r: (r.unit_id, r.category.order, rank[r.assignment_id], r.pk))
    for report in reports:
        account = accounts[report.unit_id]
        account.reports.append(report)
        if report.late:
            account.late.append(report)
    # 整改 and 督办 as they stand at the hearing: those still open, and those closed since the
    # period began.
    began = timezone.make_aware(datetime.datetime.combine(period.opens_on, datetime.time.min))
    for item in (
        Rectification.objects.filter(unit_id__in=ids)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=began))
        .order_by("unit_id", "deadline", "id")
    ):
        accounts[item.unit_id].rectifications.append(item)
    for notice in (
        SupervisionNotice.objects.filter(unit_id__in=ids)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=began))
        .order_by("unit_id", "issued_at", "id")
    ):
        accounts[notice.unit_id].notices.append(notice)
    for unit_id, text in UnitPlan.objects.filter(period=period, unit_id__in=ids).values_list("unit_id", "text"):
        accounts[unit_id].plan = text
    for unit_id, records in work_records_for_pack(period, [a.unit for a in accounts.values()]).items():
        if unit_id in accounts:
            accounts[unit_id].work_records = list(records)
    # The honours conferred on a unit (先进党支部 …) show in the next packs: those of the
    # period's year and of the year before (decided after that year's close, 二、三).
    for unit_id, conferred in honours.honours_for([a.unit for a in accounts.values()]).items():
        recent = [c for c in conferred if c.year >= period.year - 1]
        if unit_id in accounts and recent:
            accounts[unit_id].honours = recent
    listed = list(accounts.values())
    return PackContent(
        period=period,
        previous=previous,
        root=root,
        accounts=listed,
        totals=pack_totals(listed),
        proposals=proposals(listed, today),
        today=today,
        partial=partial,
    )


def pack_totals(accounts: list[UnitAccount]) -> dict:
    """The opening summary's numbers: reports, filed, approved, on time, and the mean
    score of the units (this period and the previous one, over the units scored in both)."""
    reports = [r for a in accounts for r in a.reports]
    filed = [r for r in reports if r.state in (Report.State.SUBMITTED, Report.State.APPROVED)]
    scored = [a for a in accounts if a.summary.score is not None]
    both = [a for a in scored if a.previous_score is not None]

    def mean(values):
        values = list(values)
        return (sum(values) / len(values)).quantize(Decimal("0.1")) if values else None

    score = mean(a.summary.score for a in scored)
    before = mean(a.previous_score for a in both)
    now_both = mean(a.summary.score for a in both)
    return {
        "units": len(accounts),
        "reports": len(reports),
        "filed": len(filed),
        "approved": sum(1 for r in reports if r.state == Report.State.APPROVED),
        "on_time": sum(1 for r in filed if not r.late),
        "returned": sum(1 for r in reports if r.state == Report.State.RETURNED),
        "locked": sum(1 for r in reports if r.state == Report.State.LOCKED),
        "late": sum(1 for r in reports if r.late),
        "score": score,
        "previous_score": before,
        "change": (now_both - before) if before is not None and now_both is not None else None,
        "open_rectifications": sum(1 for a in accounts for r in a.rectifications if r.state != "closed"),
        "open_notices": sum(1 for a in accounts for n in a.notices if n.state != "closed"),
    }


def proposals(accounts: list[UnitAccount], today) -> list[Proposal]:
    """The items proposed for decision, by plain rules, in this order for each unit:

    - ``supervise``: reports still unfiled at the hearing (draft, returned or locked; red
      on the dashboard), or 整改 open past their deadline → issue a 督办 with a deadline;
    - ``talk``: a 督办 awaiting reply past its deadline → talk to the unit's secretary (约谈);
    - ``rectify``: a score below RECTIFY_SCORE → order the unit to rectify (责令整改);
    - ``commend``: a score of COMMEND_SCORE or more and no problem at all (nothing unfiled,
      returned or late, no overdue 整改 or 督办) → commend it (通报表扬). The 纪检监察组 is
      never ranked with the units it supervises, so it is never proposed for commendation.

    The 党组 itself, which hears the report and decides, is never the object of a proposal.
    """
    found = []
    for account in accounts:
        unit, score = account.unit, account.summary.score
        if unit.kind == UnitKind.LEADING_GROUP:
            continue  # the body that hears the report decides about the units under it
        unfiled, overdue = account.unfiled, account.overdue_rectifications(today)
        late_notices = account.overdue_notices(today)
        if unfiled or overdue:
            found.append(
                Proposal(
                    "supervise",
                    unit,
                    {"unfiled": len(unfiled), "locked": len(account.locked), "overdue": len(overdue)},
                )
            )
        if late_notices:
            found.append(Proposal("talk", unit, {"notices": len(late_notices)}))
        if score is not None and score < RECTIFY_SCORE:
            found.append(Proposal("rectify", unit, {"score": score, "mark": RECTIFY_SCORE}))
        clean = not (unfiled or overdue or late_notices or account.late)
        if (
            score is not None
            and score >= COMMEND_SCORE
            and clean
            and account.reports
            and unit.kind != UnitKind.DISCIPLINE_GROUP
        ):
            found.append(Proposal("commend", unit, {"score": score}))
    return found
