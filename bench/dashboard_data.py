"""Province-scale data for the bench, made repeatably from a seed and loaded with COPY.

2,000 units (a 党组, a 纪检监察组, 40 committees and the branches under them), one post and
one secretary per unit, the 30 duties of the default checklist assigned to every unit
(60,000 assignments), ten periods with one report per assignment each (600,000 reports),
stored scores for the nine closed periods with one score line per report and a few
deductions and bonuses. The same seed gives the same rows.
"""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts import roles
from assessments.models import Period, Report
from responsibilities.models import Assignment, Duty, Post, Unit
from responsibilities.services import load_checklist_file
from scoring.models import ScoreLine, UnitScore

UNITS = 2000
COMMITTEES = 40
PERIODS = 10
FIRST_YEAR = 2022
CHUNK = 100_000

CLOSED_STATES = [("approved", 85), ("submitted", 5), ("returned", 3), ("locked", 7)]
OPEN_STATES = [("draft", 40), ("submitted", 30), ("approved", 20), ("returned", 7), ("locked", 3)]
GRADES = ["excellent", "good", "good", "fair", "poor"]


def _path(*steps: int) -> str:
    alphabet, width = Unit.alphabet, Unit.steplen

    def step(n):
        digits = ""
        while n:
            n, r = divmod(n, len(alphabet))
            digits = alphabet[r] + digits
        return digits.rjust(width, alphabet[0])

    return "".join(step(n) for n in steps)


def _value(v) -> str:
    if v is None:
        return "\\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, datetime.datetime | datetime.date):
        return v.isoformat()
    return str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def copy_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY rows into ``table`` in chunks: fast, and memory stays at one chunk."""
    count = 0
    buffer = io.StringIO()

    def flush():
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
        buffer.seek(0)
        buffer.truncate()

    for row in rows:
        buffer.write("\t".join(_value(v) for v in row) + "\n")
        count += 1
        if count % CHUNK == 0:
            flush()
    flush()
    return count


def _pick(rng: random.Random, weighted) -> str:
    roll = rng.random() * sum(w for _, w in weighted)
    for value, weight in weighted:
        roll -= weight
        if roll <= 0:
            return value
    return weighted[-1][0]


def present(units: int = UNITS, periods: int = PERIODS) -> bool:
    return (
        Unit.objects.count() == units
        and Period.objects.count() == periods
        and Report.objects.count() == units * Duty.objects.count() * periods
    )


def reset_sequences(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def generate(*, seed: int = 2026, units: int = UNITS, periods: int = PERIODS, out=print) -> dict:
    """Empty the bench database and fill it; returns what was made."""
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        # Everything below is TRUNCATE: never on a database that is not meant for it.
        raise RuntimeError(f"refusing to fill {name!r}: the bench database's name must contain 'bench'")
    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    tables = [m._meta.db_table for m in (ScoreLine, UnitScore, Report, Period, Assignment, Post, Duty, Unit)] + [
        "dashboard_export",
        "accounts_user_groups",
        "accounts_user",
        "responsibilities_checklist",
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    now = timezone.now()
    year = FIRST_YEAR + (periods - 1) // 2
    with transaction.atomic():
        checklist = load_checklist_file(path=settings.MINGZE_CHECKLIST_PATH, year=year).checklist
    duties = list(Duty.objects.filter(checklist=checklist).values_list("id", "category_id").order_by("id"))

    # Units: 党组 (1) → 纪检监察组, committees → branches, with materialized paths by hand.
    branches = units - 2 - COMMITTEES
    unit_rows = [(1, _path(1), 1, COMMITTEES + 1, "leading_group", "DZ", "省局党组", "Provincial Party Group")]
    unit_rows.append((2, _path(1, 1), 2, 0, "discipline_group", "JJZ", "纪检监察组", "Discipline Group"))
    per_committee = [branches // COMMITTEES + (1 if i < branches % COMMITTEES else 0) for i in range(COMMITTEES)]
    next_id = 3
    for c in range(COMMITTEES):
        committee_id = next_id
        unit_rows.append(
            (committee_id, _path(1, c + 2), 2, per_committee[c], "organ_committee", f"C{c:03d}", f"第{c + 1}党委", "")
        )
        next_id += 1
        for b in range(per_committee[c]):
            unit_rows.append(
                (next_id, _path(1, c + 2, b + 1), 3, 0, "branch", f"B{c:03d}{b:03d}", f"第{c + 1}党委第{b + 1}支部", "")
            )
            next_id += 1
    copy_rows(
        Unit._meta.db_table,
        ["id", "path", "depth", "numchild", "kind", "code", "name", "name_en", "active"],
        ((*row, True) for row in unit_rows),
    )
    unit_ids = [row[0] for row in unit_rows]

    # People: a leader, and one secretary holding the secretary post of each unit.
    password = make_password("bench")
    user_columns = [
        "id", "password", "is_superuser", "username", "first_name", "last_name", "email",
        "is_staff", "is_active", "date_joined", "full_name", "language",
    ]  # fmt: skip
    people = [(1, password, False, "bench_leader", "", "", "", False, True, now, "领导", "zh-hans")]
    people += [
        (1 + uid, password, False, f"bench_sec_{uid}", "", "", "", False, True, now, f"书记{uid}", "zh-hans")
        for uid in unit_ids
    ]
    copy_rows("accounts_user", user_columns, people)
    leader_group = Group.objects.get(name=roles.LEADER).pk
    secretary_group = Group.objects.get(name=roles.SECRETARY).pk
    copy_rows(
        "accounts_user_groups",
        ["user_id", "group_id"],
        [(1, leader_group)] + [(1 + uid, secretary_group) for uid in unit_ids],
    )
    copy_rows(
        Post._meta.db_table,
        ["id", "unit_id", "kind", "title", "holder_id", "active"],
        ((uid, uid, "secretary", "书记", 1 + uid, True) for uid in unit_ids),
    )
    assignments = [(i + 1, duty_id, uid, category) for i, (uid, (duty_id, category)) in enumerate(
        (uid, duty) for uid in unit_ids for duty in duties
    )]  # fmt: skip
    copy_rows(
        Assignment._meta.db_table,
        ["id", "duty_id", "unit_id", "post_id", "active", "created"],
        ((aid, duty_id, uid, uid, True, now) for aid, duty_id, uid, _c in assignments),
    )

    reset_sequences([m._meta.db_table for m in (Unit, Post, Assignment)])
    reset_sequences(["accounts_user"])
    today = timezone.localdate()
    open_dates = {
        "opens_on": today - datetime.timedelta(days=40),
        "due_on": today - datetime.timedelta(days=3),
        "review_due_on": today + datetime.timedelta(days=20),
        "grace_days": 5,
    }
    made = add_history(
        rng=rng,
        assignments=[(aid, uid, category) for aid, _duty, uid, category in assignments],
        holders={uid: 1 + uid for uid in unit_ids},
        reviewer_id=1,
        halves=[(FIRST_YEAR + n // 2, 1 + n % 2) for n in range(periods)],
        open_last=open_dates,
        duties=len(duties),
    )
    out(f"bench_data_reports: {made}")
    return {"units": len(unit_rows), "assignments": len(assignments), "periods": periods, "reports": made}


def _next_id(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def add_history(
    *,
    rng: random.Random,
    assignments: list[tuple[int, int, int]],
    holders: dict[int, int],
    reviewer_id: int | None,
    halves: list[tuple[int, int]],
    open_last: dict | None = None,
    duties: int = 30,
) -> int:
    """Periods ``halves`` with one report per assignment (id, unit id, category id) each,
    stored scores for the closed ones and a score line per report plus a few deductions and
    bonuses — the data the dashboard reads. The last period is open (with ``open_last``'s
    dates) when given, the others closed. Added after whatever the database holds already;
    returns the number of reports made."""
    now = timezone.now()
    periods = []
    for n, (year, half) in enumerate(halves):
        is_open = open_last is not None and n == len(halves) - 1
        dates = open_last if is_open else Period.default_dates(year, half)
        periods.append(
            Period(
                year=year,
                half=half,
                state=Period.State.OPEN if is_open else Period.State.CLOSED,
                opened_at=now,
                closed_at=None if is_open else now,
                **dates,
            )
        )
    periods = Period.objects.bulk_create(periods)
    unit_ids = sorted({uid for _aid, uid, _c in assignments})

    report_columns = [
        "id", "assignment_id", "period_id", "unit_id", "category_id", "state", "content", "self_assessment",
        "responsible_id", "submitted_at", "reviewed_at", "reviewer_id", "grade", "review_comment", "late",
        "lock_waived", "created_at", "updated_at",
    ]  # fmt: skip
    report_points: list[tuple] = []
    first_report = _next_id(Report)

    def reports():
        rid = first_report - 1
        for period in periods:
            closed = period.state == Period.State.CLOSED
            weights = CLOSED_STATES if closed else OPEN_STATES
            due = datetime.datetime.combine(period.due_on, datetime.time(12), tzinfo=datetime.UTC)
            for aid, uid, category in assignments:
                rid += 1
                s = _pick(rng, weights)
                submitted = s in ("submitted", "approved")
                late = submitted and rng.random() < 0.1
                at = due + datetime.timedelta(days=rng.randint(1, 5) if late else -rng.randint(0, 20))
                grade = rng.choice(GRADES) if s == "approved" else ""
                if closed:
                    report_points.append((rid, uid, period.pk, s))
                yield (
                    rid, aid, period.pk, uid, category, s, "", "", holders.get(uid), at if submitted else None,
                    at if s == "approved" else None, reviewer_id if s == "approved" else None, grade,
                    "请补充佐证材料" if s == "returned" else "", late, False, now, now,
                )  # fmt: skip

    made = copy_rows(Report._meta.db_table, report_columns, reports())

    # Stored scores of the closed periods: per unit, and one score line per report.
    points_of = {"approved": Decimal("3.00"), "submitted": Decimal("2.00"), "returned": Decimal("1.00")}
    score_rows, line_rows = [], []
    score_id = {}
    first_score = _next_id(UnitScore)
    for period in periods:
        if period.state == Period.State.CLOSED:
            for uid in unit_ids:
                score_id[(period.pk, uid)] = first_score + len(score_id)
    totals: dict[tuple, Decimal] = {}
    line_id = _next_id(ScoreLine) - 1
    for rid, uid, pid, s in report_points:
        pts = points_of.get(s, Decimal(0))
        key = (pid, uid)
        totals[key] = totals.get(key, Decimal(0)) + pts
        line_id += 1
        cause = {"approved": "graded", "submitted": "ungraded"}.get(s, "missing")
        line_rows.append((line_id, score_id[key], "report", rid, "report", pts, cause))
    report_points.clear()
    for key, sid in score_id.items():
        if rng.random() < 0.2:
            line_id += 1
            line_rows.append((line_id, sid, "deduction", None, "迟报漏报", Decimal("-2.00"), "late"))
            totals[key] -= 2
        if rng.random() < 0.1:
            line_id += 1
            line_rows.append((line_id, sid, "bonus", None, "经验被推广", Decimal("3.00"), "bonus"))
            totals[key] += 3
    for (pid, uid), sid in score_id.items():
        score = totals.get((pid, uid), Decimal(0))
        score_rows.append((sid, pid, uid, score, score, duties, duties - rng.randint(0, 4), now))
    copy_rows(
        UnitScore._meta.db_table,
        ["id", "period_id", "unit_id", "score", "subtree_score", "reports", "on_time", "computed_at"],
        score_rows,
    )
    copy_rows(
        ScoreLine._meta.db_table, ["id", "unit_score_id", "kind", "report_id", "label", "points", "cause"], line_rows
    )
    reset_sequences([m._meta.db_table for m in (Report, UnitScore, ScoreLine)])
    with connection.cursor() as cursor:
        # Outside a transaction (autocommit): the visibility map lets the dashboard's counts
        # be index-only scans, as they are on a database that autovacuum has visited.
        cursor.execute("VACUUM ANALYZE")
    return made
