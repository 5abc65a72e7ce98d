"""The tally's writers take turns (docs/scale.md 4 "Per-period counts kept").

0022's triggers add each statement's counts to the tally rows in key order, but a
transaction of several statements (a merge moving reports one by one, a Party group
meeting approving several, a move in the tree then its province refilled) takes the rows
statement by statement: two of them, each holding a row the other's next statement needs,
deadlocked (one was rolled back with an error). And a unit moved while one of its reports
changed counted that report from a snapshot that did not yet see the change: the change's
counts stayed under the unit's old place.

Added here, each an AFTER statement trigger that fires before 0022's on the same event
(PostgreSQL fires them in the order of their names: ``…_lock_tally`` before ``…_tally_…``):

- on the reports: the writer takes a transaction lock on each (province, period) whose
  counts the statement changes, in key order, before it writes a tally row (a save that
  changes nothing counted, a report's text, takes none). The writers
  of one province's period take their turn for its rows, whatever order their statements
  come in; the rows of different provinces or periods are still written side by side.
- on the units, only when a statement changed paths (a move): the reports are locked
  against writers (``SHARE ROW EXCLUSIVE``: the writers of the moment finish first, the
  next ones wait for the move's commit, and two moves take turns) before 0022's trigger
  counts the moved units' reports; then the same transaction locks as a report's writer.
- on the reports' inserts (this one and 0022's): none while a period is being opened
  (``COUNTED_NOW`` below says why and who counts them instead).

PostgreSQL only, as 0022. The SQL is this migration's own, frozen as made."""

from django.db import migrations

# Transaction locks (released at commit or rollback) on the (province, period) pairs of
# the rows in ``{rows}``, one at a time in key order; the key of each: a hash of the
# pair, named apart from any other lock of the application.
TURNS = """
FOR key IN SELECT DISTINCT p.province_id, p.period_id FROM ({rows}) p ORDER BY 1, 2 LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('assessments_reporttally ' || key.province_id || ' ' || key.period_id, 0));
END LOOP;
"""

# The rows an update changed in what is counted, before and after (a save of a report's
# text changes none: it takes no turn, as it writes no tally row).
COUNTED = "province_id, period_id, unit_id, category_id, state, due_on"
CHANGED = f"""
(SELECT {COUNTED} FROM tally_new EXCEPT ALL SELECT {COUNTED} FROM tally_old)
UNION ALL
(SELECT {COUNTED} FROM tally_old EXCEPT ALL SELECT {COUNTED} FROM tally_new)
"""

REPORT_LOCK = f"""
CREATE OR REPLACE FUNCTION assessments_report_lock_tally() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE key record;
BEGIN
IF TG_OP = 'INSERT' THEN
{TURNS.format(rows="SELECT province_id, period_id FROM tally_new")}
ELSIF TG_OP = 'DELETE' THEN
{TURNS.format(rows="SELECT province_id, period_id FROM tally_old")}
ELSE
{TURNS.format(rows=CHANGED)}
END IF;
RETURN NULL;
END $$;
"""

MOVED = "SELECT o.id FROM tally_old o JOIN tally_new w ON w.id = o.id WHERE w.path <> o.path"

UNIT_LOCK = f"""
CREATE OR REPLACE FUNCTION assessments_unit_lock_tally() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE key record;
BEGIN
IF EXISTS ({MOVED}) THEN
    LOCK TABLE assessments_report IN SHARE ROW EXCLUSIVE MODE;
{TURNS.format(rows=f"SELECT r.province_id, r.period_id FROM assessments_report r WHERE r.unit_id IN ({MOVED})")}
END IF;
RETURN NULL;
END $$;
"""

BOTH = "OLD TABLE AS tally_old NEW TABLE AS tally_new"

# A period's opening (``assessments.services.open_period``) counts its reports itself,
# once, after its last batch (``assessments.tally.refill``, the same transaction that
# opens the period): its inserts, with ``mingze.report_tally`` set to ``opening`` for
# their transaction, take no turn and write no tally row — 4 upserts of its ancestors'
# rows a 5,000 assignments, a fifth of the opening's time, become one count.
COUNTED_NOW = "WHEN (current_setting('mingze.report_tally', true) IS DISTINCT FROM 'opening')"

# (trigger, event, table, transition tables, function)
TRIGGERS = [
    ("assessments_report_lock_tally_insert", "INSERT", "assessments_report", "NEW TABLE AS tally_new", "report"),
    ("assessments_report_lock_tally_update", "UPDATE", "assessments_report", BOTH, "report"),
    ("assessments_report_lock_tally_delete", "DELETE", "assessments_report", "OLD TABLE AS tally_old", "report"),
    ("assessments_unit_lock_tally", "UPDATE", "responsibilities_unit", BOTH, "unit"),
]

FUNCTIONS = {"report": REPORT_LOCK, "unit": UNIT_LOCK}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FUNCTIONS.values():
        schema_editor.execute(statement)
    for name, event, table, transition, function in TRIGGERS:
        when = COUNTED_NOW if event == "INSERT" else ""
        schema_editor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
            f"FOR EACH STATEMENT {when} EXECUTE FUNCTION assessments_{function}_lock_tally();"
        )
    _insert_trigger(schema_editor, COUNTED_NOW)


def _insert_trigger(schema_editor, when: str) -> None:
    """0022's trigger on the reports' inserts, made again with ``when`` (the same function)."""
    schema_editor.execute("DROP TRIGGER IF EXISTS assessments_report_tally_insert ON assessments_report;")
    schema_editor.execute(
        "CREATE TRIGGER assessments_report_tally_insert AFTER INSERT ON assessments_report "
        f"REFERENCING NEW TABLE AS tally_new FOR EACH STATEMENT {when} "
        "EXECUTE FUNCTION assessments_report_tally_insert();"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _insert_trigger(schema_editor, "")
    for name, _event, table, _transition, _function in reversed(TRIGGERS):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
    for function in FUNCTIONS:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS assessments_{function}_lock_tally();")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0022_report_tally"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
