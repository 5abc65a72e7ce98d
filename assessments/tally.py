"""The per-period tally of reports (``ReportTally``) as the database keeps it: PostgreSQL
statement triggers on the reports (every insert, update and delete, however made: a period
opened by INSERT … SELECT, a transition's save, a merge's transfer, a due date moved by
``QuerySet.update``, a province refilled) and on the units (a move in the tree, which
treebeard writes in SQL, takes its reports' counts from the old ancestors' rows to the new
ones), each in the writing statement's transaction, so the tally is never older than the
reports. Made by assessments migration 0022, which fills it from the rows already there;
migration 0023 makes the writers of one province's period take their turn (no deadlock
on its rows) and a move in the tree wait for the reports' writers (no count lost);
migration 0025 writes that turn once, as the SQL function ``assessments_tally_turn``
(``TURN``), which the triggers and ``refill`` call alike. The
triggers' SQL is each migration's own, frozen; this module counts the tally afresh
(``recount_tally``, an operator's check after a restore or a manual fix).

Writes with triggers off (``session_replication_role = replica``, the bench's bulk loads)
are not seen: whoever writes so calls ``refill`` after (bench/sql.py ``bulk_load``)."""

from contextlib import contextmanager

from assessments.models import Period

STEP = 4  # django-treebeard's steplen for responsibilities.Unit (MP_Node's default)

TALLY = "assessments_reporttally"
REPORTS = "assessments_report"
# The columns of a tally row, in its key's order, then the count.
KEY = ("province_id", "period_id", "prefix", "category_id", "state", "due_on")

# What the tally must hold, counted afresh from the reports: every report under each
# prefix of its unit's path (its root, …, itself), zero counts left out; the reports
# first counted per unit (a few thousand rows a period), then spread up the tree.
# ``{where}``: the reports counted (all, or one period's).
RECOUNT = f"""
SELECT c.province_id, c.period_id, SUBSTRING(u.path, 1, k * {STEP}) AS prefix,
       SUBSTRING(u.path, 1, (k - 1) * {STEP}) AS above, c.category_id, c.state, c.due_on, SUM(c.n)::integer AS n
FROM (
    SELECT r.province_id, r.period_id, r.unit_id, r.category_id, r.state, r.due_on, COUNT(*) AS n
    FROM {REPORTS} r {{where}} GROUP BY 1, 2, 3, 4, 5, 6
) c
JOIN responsibilities_unit u ON u.id = c.unit_id
CROSS JOIN LATERAL generate_series(1, LENGTH(u.path) / {STEP}) k
GROUP BY 1, 2, 3, 4, 5, 6, 7
"""

# A writer's turn on one province's period: the SQL function the triggers call before they
# write a tally row (assessments migration 0025, which holds its key, written once).
TURN = "assessments_tally_turn({province}, {period})"

# The keys where the tally and a recount differ, with both numbers (zero rows of the
# tally, left by the triggers when a count went back to 0, are no difference).
DIFFERENCES = f"""
SELECT {", ".join(f"COALESCE(t.{c}, f.{c})" for c in KEY)}, COALESCE(t.n, 0), COALESCE(f.n, 0)
FROM (SELECT * FROM {TALLY} WHERE n <> 0 {{and_period}}) t
FULL JOIN ({{recount}}) f ON {" AND ".join(f"t.{c} = f.{c}" for c in KEY)}
WHERE COALESCE(t.n, 0) <> COALESCE(f.n, 0)
ORDER BY 1, 2, 3, 4, 5, 6
"""


def scheduled(cursor) -> list[int]:
    """The ids of the periods not opened yet, which the tally leaves out: a scheduled
    period's reports are counted once, when it opens (``assessments.services.open_period``:
    its batches write no tally row, then ``refill`` in the transaction that marks it open),
    so until then a recount would find its reports and no tally rows — a half-opened period
    is no drift. A period only ever leaves this state, so the ids read before a statement
    are left out safely by it: one opened since then is merely not compared or rebuilt."""
    cursor.execute("SELECT id FROM assessments_period WHERE state = %s ORDER BY id", [Period.State.SCHEDULED])
    return [row[0] for row in cursor.fetchall()]


def _period_sql(period_id: int | None, left_out: list[int], alias: str) -> tuple[str, list]:
    """The condition on ``alias``'s rows: of one period's (or all), but those ``left_out``."""
    conditions, params = [], []
    if period_id is not None:
        conditions, params = [f"{alias}.period_id = %s"], [period_id]
    if left_out:
        conditions.append(f"{alias}.period_id NOT IN ({', '.join(['%s'] * len(left_out))})")
        params += left_out
    return " AND ".join(conditions) or "TRUE", params


def differences(cursor, period_id: int | None = None, *, left_out: list[int] | None = None) -> list[tuple]:
    """(province, period, prefix, category, state, due date, kept, counted) of every key
    where the tally is not the reports counted afresh; ``[]`` when it is. The periods
    ``left_out`` (by default the ``scheduled`` ones) are not compared. One statement: one
    snapshot of both, and the triggers keep the tally in each writer's transaction."""
    left_out = scheduled(cursor) if left_out is None else left_out
    kept, params = _period_sql(period_id, left_out, TALLY)
    condition, _params = _period_sql(period_id, left_out, "r")
    sql = DIFFERENCES.format(and_period=f"AND {kept}", recount=RECOUNT.format(where=f"WHERE {condition}"))
    cursor.execute(sql, params * 2)
    return [tuple(row) for row in cursor.fetchall()]


def refill(cursor, period_id: int | None = None, *, left_out: list[int] | None = None) -> int:
    """Count the tally again from the reports (one period's, or all), in the caller's
    transaction (PostgreSQL); the number of rows written. The periods ``left_out`` (by
    default the ``scheduled`` ones, read once the writers are kept out) keep their rows as
    they are: the opening counts them. The writers are kept out first, so that no report is
    counted twice or missed between the delete and the count: for one period, by taking
    each province's turn on it as its writers do (the writers of other periods go on); for
    all, by locking the reports (``SHARE``: the writers of the moment finish, the next wait
    for the caller's commit)."""
    if period_id is None:
        cursor.execute(f"LOCK TABLE {REPORTS} IN SHARE MODE")
    else:
        turn = TURN.format(province="p.id", period="%s")
        roots = "SELECT id FROM responsibilities_unit WHERE depth = 1 ORDER BY id"
        cursor.execute(f"SELECT COUNT({turn}) FROM ({roots}) p", [period_id])
    left_out = scheduled(cursor) if left_out is None else left_out
    kept, params = _period_sql(period_id, left_out, TALLY)
    cursor.execute(f"DELETE FROM {TALLY} WHERE {kept}", params)
    condition, _params = _period_sql(period_id, left_out, "r")
    columns = "province_id, period_id, prefix, above, category_id, state, due_on, n"
    recount = RECOUNT.format(where=f"WHERE {condition}")
    cursor.execute(f"INSERT INTO {TALLY} ({columns}) SELECT * FROM ({recount}) f ORDER BY 1, 2, 3, 5, 6, 7", params)
    return cursor.rowcount


@contextmanager
def opening(cursor):
    """Within: the caller's inserts are a period's reports before it opens
    (``open_period``): they take no turn and write no tally row; the opening counts the
    period once when it opens (``refill``). ``SET LOCAL``, and set back on leaving: a
    caller within a longer transaction (a test's, a job's) writes the next reports
    counted; an error rolls the setting back with the caller's savepoint."""
    cursor.execute("SET LOCAL mingze.report_tally = 'opening'")
    yield
    cursor.execute("SET LOCAL mingze.report_tally = ''")
