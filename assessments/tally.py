"""The per-period tally of reports (``ReportTally``) as the database keeps it: PostgreSQL
statement triggers on the reports (every insert, update and delete, however made: a period
opened by INSERT … SELECT, a transition's save, a merge's transfer, a due date moved by
``QuerySet.update``, a province refilled) and on the units (a move in the tree, which
treebeard writes in SQL, takes its reports' counts from the old ancestors' rows to the new
ones), each in the writing statement's transaction, so the tally is never older than the
reports. Made by assessments migration 0022, which fills it from the rows already there.

Writes with triggers off (``session_replication_role = replica``, the bench's bulk loads)
are not seen: whoever writes so calls ``refill`` after (bench/sql.py ``bulk_load``)."""

STEP = 4  # django-treebeard's steplen for responsibilities.Unit (MP_Node's default)

TALLY = "assessments_reporttally"
KEY = "province_id, period_id, prefix, category_id, state, due_on"

# Every prefix of each counted unit's path (its root, …, itself), each the subtree it names;
# the deltas summed per key, the zeros left out (a save that changes nothing counted writes
# nothing and takes no row lock), in key order (two statements lock shared rows in the same
# order). ``d`` is (province_id, period_id, path, category_id, state, due_on, n).
UPSERT = f"""
INSERT INTO {TALLY} AS t (province_id, period_id, prefix, above, category_id, state, due_on, n)
SELECT d.province_id, d.period_id, SUBSTRING(d.path, 1, k * {STEP}), SUBSTRING(d.path, 1, (k - 1) * {STEP}),
       d.category_id, d.state, d.due_on, SUM(d.n)
FROM ({{deltas}}) d
CROSS JOIN LATERAL generate_series(1, LENGTH(d.path) / {STEP}) k
GROUP BY 1, 2, 3, 4, 5, 6, 7
HAVING SUM(d.n) <> 0
ORDER BY 1, 2, 3, 5, 6, 7
ON CONFLICT ({KEY}) DO UPDATE SET n = t.n + EXCLUDED.n
"""

# Reports added (+1) and removed (−1) by one statement, each under its unit's current path.
REPORT_ROWS = """
SELECT c.province_id, c.period_id, u.path, c.category_id, c.state, c.due_on, SUM(c.n) AS n
FROM ({rows}) c JOIN responsibilities_unit u ON u.id = c.unit_id
GROUP BY 1, 2, 3, 4, 5, 6
"""
NEW = "SELECT province_id, period_id, unit_id, category_id, state, due_on, 1 AS n FROM tally_new"
OLD = "SELECT province_id, period_id, unit_id, category_id, state, due_on, -1 AS n FROM tally_old"

# Units whose path one statement changed (a move in the tree, by treebeard's one UPDATE of
# the subtree): each one's own reports, −1 under the old path, +1 under the new one.
UNIT_ROWS = """
SELECT r.province_id, r.period_id, m.path, r.category_id, r.state, r.due_on, m.sign * COUNT(*) AS n
FROM (
    SELECT o.id, o.path, -1 AS sign FROM tally_old o JOIN tally_new w ON w.id = o.id WHERE w.path <> o.path
    UNION ALL
    SELECT w.id, w.path, 1 FROM tally_old o JOIN tally_new w ON w.id = o.id WHERE w.path <> o.path
) m
JOIN assessments_report r ON r.unit_id = m.id
GROUP BY 1, 2, 3, 4, 5, 6, m.sign
"""


def _function(name: str, deltas: str) -> str:
    # JIT off within the function: the planner cannot know a statement's transition table
    # nor ``generate_series``' rows, guesses millions, and compiled every batch of a period's
    # opening — 280 ms of each 5,000 reports' 350 (``EXPLAIN ANALYZE``), the opening twice
    # as long. The restore on exit leaves the session's own setting as it was.
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$ BEGIN\n"
        f"{UPSERT.format(deltas=deltas)};\nRETURN NULL;\nEND $$;"
    )


def _trigger(name: str, event: str, table: str, transition: str) -> str:
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
    )


# The rows a statement added and removed, summed per key: an update that changes nothing
# counted (a report's text saved) nets to zero and writes no row of the tally.
def _report_deltas(*parts: str) -> str:
    rows = " UNION ALL ".join(parts)
    return REPORT_ROWS.format(rows=rows)


BOTH = "OLD TABLE AS tally_old NEW TABLE AS tally_new"

CREATE = [
    _function("assessments_report_tally_insert", _report_deltas(NEW)),
    _function("assessments_report_tally_update", _report_deltas(NEW, OLD)),
    _function("assessments_report_tally_delete", _report_deltas(OLD)),
    _function("assessments_unit_tally_move", UNIT_ROWS),
    _trigger("assessments_report_tally_insert", "INSERT", "assessments_report", "NEW TABLE AS tally_new"),
    _trigger("assessments_report_tally_update", "UPDATE", "assessments_report", BOTH),
    _trigger("assessments_report_tally_delete", "DELETE", "assessments_report", "OLD TABLE AS tally_old"),
    _trigger("assessments_unit_tally_move", "UPDATE", "responsibilities_unit", BOTH),
]

DROP = [
    "DROP TRIGGER IF EXISTS assessments_unit_tally_move ON responsibilities_unit;",
    "DROP TRIGGER IF EXISTS assessments_report_tally_delete ON assessments_report;",
    "DROP TRIGGER IF EXISTS assessments_report_tally_update ON assessments_report;",
    "DROP TRIGGER IF EXISTS assessments_report_tally_insert ON assessments_report;",
    "DROP FUNCTION IF EXISTS assessments_unit_tally_move();",
    "DROP FUNCTION IF EXISTS assessments_report_tally_delete();",
    "DROP FUNCTION IF EXISTS assessments_report_tally_update();",
    "DROP FUNCTION IF EXISTS assessments_report_tally_insert();",
]

# The rows already there, counted once (the triggers then keep them).
FILL = UPSERT.format(
    deltas=REPORT_ROWS.format(
        rows="SELECT province_id, period_id, unit_id, category_id, state, due_on, 1 AS n FROM assessments_report"
    )
)


def create(execute) -> None:
    """Make the triggers (``execute``: a schema editor's or a cursor's)."""
    for statement in CREATE:
        execute(statement)


def drop(execute) -> None:
    for statement in DROP:
        execute(statement)


def refill(cursor) -> None:
    """Count the tally again from the reports, in the caller's transaction (PostgreSQL)."""
    cursor.execute(f"DELETE FROM {TALLY}")
    cursor.execute(FILL)
