"""What the 评先评优 pages, the unit's page, the hearing pack and the year-end summary read.

Nominations are drawn from what Mingze already computes, never re-ranked here: the
dashboard's ranking (``dashboard.selectors.ranking``, 晾晒) and the 述职评议 results
(``appraisals.AppraisalResult``) of the year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, FilteredRelation, Q

from appraisals.models import AppraisalResult, AppraisalRound
from assessments.models import Period
from core import provinces
from core.honours import Conferred
from dashboard import selectors as dashboard_selectors
from dashboard.permissions import Scope
from oversight.models import Rectification
from responsibilities import access
from responsibilities.models import Unit, UnitKind
from scoring.models import UnitScore

from .models import Honour, HonourKind, HonourRound, Nomination

# How many places of the ranking and of the appraisal results are proposed: the ranking's
# 前三名 (二、三 "学先进、赶先进、当先进").
PROPOSED = dashboard_selectors.EXEMPLARS
# The ranking is read in one page this long (every unit of a province fits).
RANKING_PAGE = 5000


@dataclass
class Candidate:
    kind: str
    unit: Unit
    person: object | None
    source: str
    basis: str


def ranking_period(year: int) -> Period | None:
    """The year's latest period that has scores: the second half once it is scored."""
    return (
        Period.objects.filter(year=year, unit_scores__isnull=False)
        .exclude(state=Period.State.SCHEDULED)
        .order_by("-half")
        .distinct()
        .first()
    )


def ranking_candidates(year: int, organization: Unit) -> list[Candidate]:
    """The 前三名 of the branches of ``organization``'s tree in the year's latest scored
    ranking (like with like: only Party branches stand for 先进党支部)."""
    period = ranking_period(year)
    if period is None:
        return []
    lines, _total = dashboard_selectors.ranking(Scope(root=organization), period, None, limit=RANKING_PAGE)
    branches = [line for line in lines if line.unit.kind == UnitKind.BRANCH][:PROPOSED]
    return [
        Candidate(
            kind=HonourKind.ADVANCED_BRANCH,
            unit=line.unit,
            person=None,
            source=Nomination.Source.RANKING,
            basis=f"{period.label} · {place} · {line.score:.1f}",
        )
        for place, line in enumerate(branches, start=1)
    ]


def appraisal_candidates(year: int, organization: Unit) -> list[Candidate]:
    """The first places of ``organization``'s 述职评议 of the year (with enough valid
    ballots to be ranked)."""
    results = (
        AppraisalResult.objects.filter(province=organization.pk, appraisee__round__organization=organization)
        .filter(
            appraisee__round__year=year,
            appraisee__round__state__in=[AppraisalRound.State.CLOSED, AppraisalRound.State.PUBLISHED],
            enough_ballots=True,
            rank__isnull=False,
        )
        .select_related("appraisee__person", "appraisee__unit", "grade")
        .order_by("rank", "appraisee__unit__path")[:PROPOSED]
    )
    return [
        Candidate(
            kind=HonourKind.PARTY_WORKER,
            unit=result.appraisee.unit,
            person=result.appraisee.person,
            source=Nomination.Source.APPRAISAL,
            basis=f"{year} · {result.rank} · {result.score:.1f}" + (f" · {result.grade.name}" if result.grade else ""),
        )
        for result in results
    ]


def rounds() -> list[HonourRound]:
    return list(
        # Its nominations counted within its province: co-located on Citus (docs/scale.md 5).
        HonourRound.objects.annotate(
            own=FilteredRelation("nominations", condition=Q(nominations__province=F("province"))),
            n_nominations=Count("own", filter=Q(own__withdrawn=False)),
        )
        .select_related("organization")
        .order_by("-year", "organization__path")
    )


# A round's rows are read in its province (docs/scale.md 5: on Citus, its shard).


def nominations(round: HonourRound) -> list[Nomination]:
    return list(
        round.nominations.filter(province=round.province_id)
        .select_related("unit", "person")
        .order_by("withdrawn", "kind", "unit__path", "id")
    )


def objections(round: HonourRound) -> list:
    return list(
        round.objections.filter(provinces.joined("nomination"), province=round.province_id).select_related(
            "nomination__unit", "nomination__person", "noted_by"
        )
    )


def events(round: HonourRound) -> list:
    """The round's steps as its page lists them: when, who, what and why."""
    return list(round.events.filter(province=round.province_id).select_related("actor"))


# ---------------------------------------------------------------------------------------
# Honours conferred (read by the unit's page and the hearing pack through core.honours)


def honours_for(units, year: int | None = None) -> dict[int, list[Conferred]]:
    """{unit id: [Conferred]} for ``units`` (Units or ids) in ``year`` (None: all years):
    one query. This is what the half-year hearing pack lists per unit, and what the unit's
    page shows; below the honours app call it as ``core.honours.honours_for``."""
    units = list(units)
    ids = [getattr(unit, "pk", unit) for unit in units]
    rows = Honour.objects.filter(unit_id__in=ids).select_related("person", "unit").order_by("-year", "kind", "id")
    known = {unit.__dict__.get("province_id") if isinstance(unit, Unit) else None for unit in units}
    if units and None not in known:
        # Units loaded: their provinces go in the query (docs/scale.md 5: one shard each).
        rows = rows.filter(province__in=sorted(known))
    if year is not None:
        rows = rows.filter(year=year)
    found: dict[int, list[Conferred]] = defaultdict(list)
    for honour in rows:
        found[honour.unit_id].append(
            Conferred(
                unit_id=honour.unit_id,
                year=honour.year,
                kind=honour.kind,
                label=honour.label,
                unit_label=honour.unit.label,
                person_name=honour.person.display_name if honour.person_id else "",
                person_id=honour.person_id,
                conferred_on=honour.conferred_on,
                document_number=honour.document_number,
            )
        )
    return dict(found)


def honours_of_person(user) -> list[Honour]:
    return list(Honour.objects.filter(person=user).select_related("unit").order_by("-year", "kind"))


# ---------------------------------------------------------------------------------------
# Year-end summary (年度考核)


@dataclass
class YearEndRow:
    unit: Unit
    first_half: Decimal | None = None
    second_half: Decimal | None = None
    appraisals: list[AppraisalResult] = field(default_factory=list)
    honours: list[str] = field(default_factory=list)
    open_rectifications: int = 0


def year_end_rows(year: int, root: Unit | None) -> list[YearEndRow]:
    """One row per unit of ``root``'s subtree (None: the whole organization), in tree order:
    five queries whatever the number of units."""
    units = Unit.objects.all() if root is None else Unit.objects.filter(access.in_subtree(root, ""))
    rows = {unit.pk: YearEndRow(unit=unit) for unit in units.order_by("path")}
    ids = list(rows)
    for unit_id, half, score in UnitScore.objects.filter(unit_id__in=ids, period__year=year).values_list(
        "unit_id", "period__half", "score"
    ):
        if half == 1:
            rows[unit_id].first_half = score
        else:
            rows[unit_id].second_half = score
    results = (
        AppraisalResult.objects.filter(
            appraisee__unit_id__in=ids,
            appraisee__round__year=year,
            appraisee__round__state__in=[AppraisalRound.State.CLOSED, AppraisalRound.State.PUBLISHED],
        )
        .select_related("appraisee__person", "grade")
        .order_by("appraisee__person__username")
    )
    for result in results:
        rows[result.appraisee.unit_id].appraisals.append(result)
    for unit_id, conferred in honours_for(ids, year).items():
        rows[unit_id].honours = [f"{c.label}（{c.person_name}）" if c.person_name else c.label for c in conferred]
    open_counts = (
        Rectification.objects.filter(unit_id__in=ids)
        .exclude(state=Rectification.State.CLOSED)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    for unit_id, n in open_counts:
        rows[unit_id].open_rectifications = n
    return list(rows.values())
