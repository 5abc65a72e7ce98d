"""The summary for the level above: one period's figures for a subtree as a JSON document
that a superior organization collects from several installations of Mingze.

The document (``FORMAT``, ``VERSION`` 1; README, "The period summary", describes every field):

- ``format``, ``version``: what this is and which edition of its layout; a reader refuses a
  version it does not know. Fields may be added within a version, never renamed or removed.
- ``organization``: ``MINGZE_ORG_NAME`` of the installation; ``generated_at`` (ISO 8601).
- ``period``: id, year, half, dates and state.
- ``root``: the subtree's top unit (code, name), null for the whole organization.
- ``units``: every unit of the subtree in tree order, each with ``code``, ``parent_code``
  (how the receiver rebuilds the tree), ``kind``, its own ``reports`` by state and
  ``late``, its ``score`` (own and subtree, null before scoring) and its
  ``rectifications`` and ``notices`` by state (those raised up to the document's making).
- ``totals``: the same counts over the whole subtree.

Each part is one grouped query whatever the number of units (DESIGN.md, "Targets").
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from assessments.models import Period, Report
from oversight.models import Rectification, SupervisionNotice
from responsibilities import access
from responsibilities.models import Unit
from scoring.models import UnitScore

FORMAT = "mingze.period-summary"
VERSION = 1
REPORT_STATES = [state for state, _label in Report.State.choices]
RECTIFICATION_STATES = [state for state, _label in Rectification.State.choices]
NOTICE_STATES = [state for state, _label in SupervisionNotice.State.choices]


def _by_unit(qs, states: list[str]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(states, 0))
    for unit_id, state, n in qs.values_list("unit_id", "state").annotate(n=Count("id")).order_by():
        counts[unit_id][state] = n
    return counts


def _with_total(counts: dict[str, int]) -> dict[str, int]:
    return {**counts, "total": sum(counts.values())}


def _decimal(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def build(*, period: Period, root: Unit | None) -> dict:
    """The document for ``period`` and ``root``'s subtree (None: the whole organization).
    The caller has decided that the reader may have it (``access.covers``)."""
    units = list(Unit.objects.filter(access.in_subtree(root, "")).order_by("path"))
    in_tree = access.in_subtree(root)
    reports = _by_unit(Report.objects.filter(in_tree, period=period), REPORT_STATES)
    late = dict(
        Report.objects.filter(in_tree, period=period, late=True)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    rectifications = _by_unit(Rectification.objects.filter(in_tree), RECTIFICATION_STATES)
    notices = _by_unit(SupervisionNotice.objects.filter(in_tree), NOTICE_STATES)
    scores = {s.unit_id: s for s in UnitScore.objects.filter(in_tree, period=period)}
    code_at = {unit.path: unit.code for unit in units}
    if root is not None and root.depth > 1:
        code_at.update(Unit.objects.filter(path=root.path[: -Unit.steplen]).values_list("path", "code"))

    rows = []
    totals = {
        "reports": dict.fromkeys(REPORT_STATES, 0),
        "late": 0,
        "rectifications": dict.fromkeys(RECTIFICATION_STATES, 0),
        "notices": dict.fromkeys(NOTICE_STATES, 0),
    }
    for unit in units:
        own = {
            "reports": reports.get(unit.pk, dict.fromkeys(REPORT_STATES, 0)),
            "rectifications": rectifications.get(unit.pk, dict.fromkeys(RECTIFICATION_STATES, 0)),
            "notices": notices.get(unit.pk, dict.fromkeys(NOTICE_STATES, 0)),
        }
        for part, counts in own.items():
            for state, n in counts.items():
                totals[part][state] += n
        totals["late"] += late.get(unit.pk, 0)
        score = scores.get(unit.pk)
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "name_en": unit.name_en,
                "kind": unit.kind,
                "parent_code": code_at.get(unit.path[: -Unit.steplen]) if unit.depth > 1 else None,
                "active": unit.active,
                "reports": _with_total(own["reports"]),
                "late": late.get(unit.pk, 0),
                "score": None
                if score is None
                else {
                    "score": _decimal(score.score),
                    "subtree_score": _decimal(score.subtree_score),
                    "reports": score.reports,
                    "on_time": score.on_time,
                },
                "rectifications": _with_total(own["rectifications"]),
                "notices": _with_total(own["notices"]),
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "organization": settings.MINGZE_ORG_NAME,
        "generated_at": timezone.now().isoformat(),
        "period": {
            "id": period.pk,
            "year": period.year,
            "half": period.half,
            "opens_on": period.opens_on.isoformat(),
            "due_on": period.due_on.isoformat(),
            "state": period.state,
        },
        "root": None if root is None else {"code": root.code, "name": root.name, "name_en": root.name_en},
        "units": rows,
        "totals": {
            "units": len(rows),
            "reports": _with_total(totals["reports"]),
            "late": totals["late"],
            "rectifications": _with_total(totals["rectifications"]),
            "notices": _with_total(totals["notices"]),
        },
    }
