"""A year of use on top of bench/data.py's organization, made by the database.

- the open period (made by ``open_period`` in bench/measurements/period_open.py) as it is
  three days before its deadline: some 45 % still draft, the rest submitted, approved or
  returned, the reviewer being each unit's liaison leader;
- nine closed half-years before it, one report per assignment each, with stored unit
  scores and one score line per report (plus deductions for late ones) under the current
  scoring rules — ten periods in all: 600,000 reports at 2,000 units, 6,000,000 at 20,000;
- ten past notifications per person, most read and e-mailed;
- one "busy unit" (the first branch) driven through the real services — files attached,
  submitted, returned with a comment, approved — so the pages the bench times show what
  a real unit's pages show: history (留痕), evidence, the liaison's queue, notifications.

States and grades are drawn per row from the seed (``bench.sql.draw``): the same seed gives
the same rows.
"""

from __future__ import annotations

import datetime
import sys
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from assessments import services as report_services
from assessments.models import Period, Report
from notifications.models import Notification
from responsibilities.models import Assignment, Duty, Liaison, Post, Unit
from scoring.models import ScoreLine, UnitScore
from scoring.services import category_weights, current_rule

from .sql import bulk_load, draw, insert_select, pick, qn, table, vacuum_analyze

# Three days before the deadline (the rush): the share of reports in each state.
OPEN_STATES = [("draft", 45), ("submitted", 30), ("approved", 17), ("returned", 8)]
CLOSED_STATES = [("approved", 85), ("submitted", 5), ("returned", 3), ("locked", 7)]
GRADES = [("excellent", 20), ("good", 45), ("fair", 25), ("poor", 10)]
CONTENT = (
    "按照责任清单要求，本支部召开支部委员会会议专题研究部署，制定工作计划，明确责任分工，"
    "组织党员开展集中学习和专题研讨，形成会议记录和学习笔记，相关材料已归档备查。"
)
PAST_NOTIFICATIONS = 10


def open_dates(today: datetime.date) -> dict:
    """The open period's dates: opened 45 days ago, due in three days."""
    return {
        "opens_on": today - datetime.timedelta(days=45),
        "due_on": today + datetime.timedelta(days=3),
        "review_due_on": today + datetime.timedelta(days=24),
        "grace_days": 5,
    }


def current_half(today: datetime.date) -> tuple[int, int]:
    return today.year, 1 if today.month <= 6 else 2


def halves_before(year: int, half: int, n: int) -> list[tuple[int, int]]:
    """The ``n`` half-years before (year, half), oldest first."""
    made = []
    for _ in range(n):
        year, half = (year, 1) if half == 2 else (year - 1, 2)
        made.append((year, half))
    return made[::-1]


def _draws(key: str, seed: int, salt: int, weights: list[tuple[str, int]], late_share: float) -> str:
    """SELECT-list items drawn once per row from ``key``: the state, late or not, the day
    offset of the submission and the grade (used by ``_report_given``)."""
    st = pick(key, seed, salt, weights)
    return (
        f"{st} AS st, ({draw(key, seed, salt + 1)} < {late_share!r}) AS late_draw, "
        f"floor({draw(key, seed, salt + 2)} * 20) AS day_draw, {pick(key, seed, salt + 3, GRADES)} AS grade_draw"
    )


# Who holds unit ``u``'s liaison post now (the partial unique index on open liaisons
# makes it one index lookup).
LIAISON_OF_U = (
    f"(SELECT lp.holder_id FROM {table(Liaison)} l JOIN {table(Post)} lp ON lp.id = l.post_id "
    "WHERE l.unit_id = u.id AND l.ended IS NULL)"
)


def _report_given(x: str, due: str) -> dict[str, str]:
    """Column expressions of a report from the draws of alias ``x`` (``_draws``) and the
    unit ``u`` (its liaison reviews)."""
    done = f"{x}.st IN ('submitted', 'approved')"
    late = f"({done} AND {x}.late_draw)"
    at = f"({due} + (CASE WHEN {late} THEN 1 + {x}.day_draw / 5 ELSE -{x}.day_draw END) * interval '1 day')"
    return {
        "state": f"{x}.st",
        "content": f"(CASE WHEN {x}.st = 'draft' THEN '' ELSE '{CONTENT}' END)",
        "self_assessment": f"(CASE WHEN {x}.st = 'draft' THEN '' ELSE 'good' END)",
        "submitted_at": f"(CASE WHEN {done} THEN {at} END)",
        "late": late,
        "grade": f"(CASE WHEN {x}.st = 'approved' THEN {x}.grade_draw ELSE '' END)",
        "reviewed_at": f"(CASE WHEN {x}.st IN ('approved', 'returned') THEN {at} + interval '2 days' END)",
        "reviewer": f"(CASE WHEN {x}.st IN ('approved', 'returned') THEN {LIAISON_OF_U} END)",
        "review_comment": f"(CASE WHEN {x}.st = 'returned' THEN '请补充佐证材料' ELSE '' END)",
    }


def vary_open_period(period: Period, seed: int, states: list[tuple[str, int]] = OPEN_STATES) -> int:
    """The open period's reports (all drafts after opening) as they are near the deadline:
    nothing is late yet, the deadline being three days away."""
    given = _report_given("x", f"'{period.due_on.isoformat()}'::timestamptz")
    sets = ", ".join(f"{qn(Report._meta.get_field(name).column)} = {expr}" for name, expr in given.items())
    draws = _draws("id", seed, 10, states, 0.0)
    with transaction.atomic(), bulk_load(Report), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(Report)} r SET {sets} "
            f"FROM (SELECT id, unit_id, {draws} FROM {table(Report)} WHERE period_id = %s) x "
            f"JOIN {table(Unit)} u ON u.id = x.unit_id WHERE r.id = x.id",
            [period.pk],
        )
        return cursor.rowcount


def closed_periods(halves: list[tuple[int, int]], seed: int) -> tuple[list[Period], int]:
    """Nine (or however many) closed half-years, each with one report per assignment,
    loaded in bulk (bench.sql.bulk_load: indexes built after)."""
    now = timezone.now()
    periods = Period.objects.bulk_create(
        [
            Period(
                year=year,
                half=half,
                state=Period.State.CLOSED,
                opened_at=now,
                closed_at=now,
                **Period.default_dates(year, half),
            )  # fmt: skip
            for year, half in halves
        ]
    )
    made = 0
    with transaction.atomic(), bulk_load(Report):
        for period in periods:
            draws = _draws(f"(id * 64 + {period.pk % 64})", seed, 20, CLOSED_STATES, 0.1)
            given = {
                "assignment": "a.id",
                "period": str(period.pk),
                "due_on": f"'{period.due_on.isoformat()}'::date",  # past halves: due with the period
                "unit": "a.unit_id",
                "province": "u.province_id",  # core.provinces: the unit's root
                "category": "d.category_id",
                "responsible": "p.holder_id",
                **_report_given("a", f"'{period.due_on.isoformat()}'::timestamptz"),
            }
            made += insert_select(
                Report,
                given,
                f"(SELECT id, unit_id, duty_id, post_id, {draws} FROM {table(Assignment)} WHERE active) a "
                f"JOIN {table(Duty)} d ON d.id = a.duty_id "
                f"JOIN {table(Unit)} u ON u.id = a.unit_id LEFT JOIN {table(Post)} p ON p.id = a.post_id",
            )
    return periods, made


def stored_scores(periods: list[Period]) -> None:
    """What the close of each of ``periods`` stored, under the current rules
    (scoring.services): a score per unit — the weighted mean of its reports' points less
    the late deductions — and a line per report (its weighted share of the mean) plus a
    deduction line per late report. Made from the reports in a few passes of hash joins
    and aggregates, never a row at a time."""
    ids = [period.pk for period in periods]
    rule = current_rule()
    weights = category_weights(rule)
    points = " ".join(
        f"WHEN r.state = 'approved' AND r.grade = '{grade}' THEN {value}"
        for grade, value in rule.grade_points().items()
    )
    points = f"(CASE {points} WHEN r.state IN ('submitted', 'approved') THEN {rule.points_ungraded} ELSE 0 END)"
    by_category = " ".join(f"WHEN {pk} THEN {weight}" for pk, weight in sorted(weights.items()))
    weight = f"((CASE r.category_id {by_category} ELSE 1 END) * d.weight)"
    reports = (
        f"{table(Report)} r JOIN {table(Assignment)} a ON a.id = r.assignment_id "
        f"JOIN {table(Duty)} d ON d.id = a.duty_id WHERE r.period_id = ANY(%s)"
    )
    late = "(r.late AND r.state IN ('submitted', 'approved'))"
    insert_select(
        UnitScore,
        {"period": "t.period_id", "unit": "t.unit_id", "province": "t.province_id", "score": "t.score",
         "subtree_score": "t.score", "reports": "t.n", "on_time": "t.on_time"},
        f"""(SELECT r.period_id, r.unit_id, r.province_id,
                GREATEST(0, ROUND(SUM({points} * {weight}) / NULLIF(SUM({weight}), 0), 2)
                    - {rule.late_deduction} * COUNT(*) FILTER (WHERE {late})) AS score,
                COUNT(*) AS n, COUNT(*) FILTER (WHERE r.state IN ('submitted', 'approved') AND NOT r.late) AS on_time
            FROM {reports} GROUP BY r.period_id, r.unit_id, r.province_id) t""",
        [ids],
    )  # fmt: skip
    scored = (
        f"JOIN {table(UnitScore)} s ON s.period_id = r.period_id AND s.unit_id = r.unit_id "
        f"JOIN (SELECT r.period_id, r.unit_id, SUM({weight}) AS total FROM {reports} "
        "GROUP BY r.period_id, r.unit_id) w ON w.period_id = r.period_id AND w.unit_id = r.unit_id"
    )
    insert_select(
        ScoreLine,
        {
            "unit_score": "s.id",
            "province": "s.province_id",
            "kind": "'report'",
            "report": "r.id",
            "label": "left(d.code || ' ' || d.title, 200)",
            "points": f"round({points} * {weight} / NULLIF(w.total, 0), 2)",
            "cause": "(CASE WHEN r.state = 'approved' AND r.grade <> '' THEN 'graded' "
            "WHEN r.state IN ('submitted', 'approved') THEN 'ungraded' ELSE 'missing' END)",
            "base_points": points,
            "weight": weight,
        },
        reports.replace(" WHERE ", f" {scored} WHERE ", 1),
        [ids, ids],
    )
    insert_select(
        ScoreLine,
        {
            "unit_score": "s.id",
            "province": "s.province_id",
            "kind": "'deduction'",
            "report": "r.id",
            "label": "'迟报: ' || d.code",
            "points": f"-{rule.late_deduction}",
            "cause": "'late'",
        },
        reports.replace(
            " WHERE ", f" JOIN {table(UnitScore)} s ON s.period_id = r.period_id AND s.unit_id = r.unit_id WHERE ", 1
        )
        + f" AND {late}",
        [ids],
    )


def past_notifications(seed: int) -> int:
    """Ten notifications per person from the past months, all e-mailed, all but the
    newest two read."""
    created = "(now() - g.n * interval '9 days')"
    return insert_select(
        Notification,
        {
            "recipient": "u.id",
            "kind": "'deadline_reminder'",
            "title": "'截止提醒：' || g.n || ' 项责任事项待报送'",
            "body": f"'{CONTENT}'",
            "url": "'/assessments/mine/'",
            "created_at": created,
            "read_at": f"(CASE WHEN g.n > 2 THEN {created} + interval '1 hour' END)",
            "emailed_at": created,
        },
        f"{table(User)} u CROSS JOIN generate_series(1, {PAST_NOTIFICATIONS}) AS g(n)",
    )


@dataclass
class Cast:
    """Who the pages are measured as, and on what."""

    secretary: User
    leader: User  # the liaison of the secretary's unit: their report is in this queue
    admin: User
    unit: Unit  # the secretary's branch
    committee: Unit  # its 机关党委 (a unit page with a roll-up)
    report: Report  # returned with files and a history: what the secretary opens to fix


def evidence_file(n: int) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n% bench evidence\n" + bytes(range(256)) * 64 + f"\n{n}\n%%EOF\n".encode()
    return SimpleUploadedFile(f"会议记录{n}.pdf", body, content_type="application/pdf")


def busy_unit(period: Period, admin_id: int) -> Cast:
    """The first branch through the real services (events, audit links, notifications)."""
    post = (
        Post.objects.filter(unit__kind="branch", kind="secretary", holder__isnull=False)
        .select_related("holder", "unit")
        .order_by("unit__path")
        .first()
    )
    secretary, unit, leader = post.holder, post.unit, post.unit.liaison
    committee = Unit.objects.get(path=unit.path[: -Unit.steplen])
    # Start the unit's open reports afresh, as drafts: the services write their history.
    Report.objects.filter(period=period, unit=unit).update(
        state="draft", content="", self_assessment="", submitted_at=None, reviewed_at=None, reviewer=None,
        grade="", review_comment="", late=False,
    )  # fmt: skip
    ids = list(Report.objects.filter(period=period, unit=unit).order_by("pk").values_list("pk", flat=True))
    work_date = period.opens_on + datetime.timedelta(days=10)
    for n, pk in enumerate(ids[:8]):
        report_services.save_report(report_id=pk, actor=secretary, content=CONTENT[:40], self_assessment="fair")
        for f in range(2):
            report_services.add_evidence(
                report_id=pk, actor=secretary, upload=evidence_file(n * 2 + f), description="支部委员会会议记录",
                work_date=work_date,
            )  # fmt: skip
        report_services.submit_report(report_id=pk, actor=secretary, content=CONTENT, self_assessment="good")
        if n < 3:
            report_services.return_report(report_id=pk, actor=leader, comment="请补充会议签到表和照片。")
        elif n < 6:
            report_services.approve_report(report_id=pk, actor=leader, grade="good", comment="材料齐全。")
    first = ids[0]
    report_services.save_report(report_id=first, actor=secretary, content=CONTENT + "已补充签到表。")
    report_services.add_evidence(
        report_id=first, actor=secretary, upload=evidence_file(99), description="签到表", work_date=work_date
    )
    return Cast(
        secretary=secretary,
        leader=leader,
        admin=User.objects.get(pk=admin_id),
        unit=unit,
        committee=committee,
        report=Report.objects.get(pk=first),
    )


def make(*, period: Period, seed: int, admin_id: int, closed: int = 9, open_states=OPEN_STATES, out=print) -> Cast:
    """Everything above, in order; prints what it made and how long each part took."""
    import time

    start = step = time.perf_counter()

    def took(part: str) -> None:
        nonlocal step
        now = time.perf_counter()
        out(f"history_{part}_seconds: {now - step:.1f}")
        sys.stdout.flush()
        step = now

    out(f"history_open_period_reports: {vary_open_period(period, seed, open_states)}")
    took("open_period")
    periods, made = closed_periods(halves_before(period.year, period.half, closed), seed)
    out(f"history_closed_periods: {len(periods)}")
    out(f"history_closed_reports: {made}")
    took("closed_reports")
    with transaction.atomic(), bulk_load(UnitScore, ScoreLine):
        stored_scores(periods)
    took("stored_scores")
    out(f"history_notifications: {past_notifications(seed)}")
    took("notifications")
    cast = busy_unit(period, admin_id)
    took("busy_unit")
    vacuum_analyze()
    took("vacuum_analyze")
    out(f"history_seconds: {time.perf_counter() - start:.1f}")
    out(f"reports_total: {Report.objects.count()}")
    out(f"score_lines_total: {ScoreLine.objects.count()}")
    return cast
