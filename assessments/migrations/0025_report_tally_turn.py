"""The tally's turn written once (docs/scale.md 4 "Per-period counts kept"): a SQL function,
``assessments_tally_turn(province, period)``, takes a writer's turn on one province's
period — the transaction lock 0023's triggers took by a key written out in their SQL, and
``assessments.tally.refill`` (``recount_tally``, a period's opening) by a copy of it in
Python. Both now call the function, so the triggers and the recount cannot come to take
different locks (a recount that did not wait for a writer's open transaction would count
its reports before the writer's change, and lose it).

The key is 0023's, unchanged: a writer still running 0023's triggers when this migration
commits and one running the function take the same lock (the same text of the same two
numbers, hashed the same way).

Here the two lock functions of 0023 are made again, each the same but for calling the
turn (their triggers name them, and are left as they are); backward makes them again as
0023 made them, then drops the turn.

PostgreSQL only, as 0022 and 0023. The SQL is this migration's own, frozen as made."""

from django.db import migrations

# A writer's turn on one province's period: a transaction lock (released at commit or
# rollback) whose key is a hash of the pair, named apart from any other lock of the
# application. 0023's key, to the letter.
TURN = """
CREATE OR REPLACE FUNCTION assessments_tally_turn(province bigint, period bigint) RETURNS void LANGUAGE sql AS $$
SELECT pg_advisory_xact_lock(hashtextextended('assessments_reporttally ' || province || ' ' || period, 0));
$$;
"""

# How a trigger takes the turn of ``key``: now (through the function), and as 0023 did.
TAKES = "PERFORM assessments_tally_turn(key.province_id, key.period_id);"
TOOK = "PERFORM pg_advisory_xact_lock(hashtextextended('assessments_reporttally ' || key.province_id || ' ' || key.period_id, 0));"

# The turns of the (province, period) pairs of the rows in ``{rows}``, one at a time in
# key order (0023's loop).
TURNS = """
FOR key IN SELECT DISTINCT p.province_id, p.period_id FROM ({rows}) p ORDER BY 1, 2 LOOP
    {take}
END LOOP;
"""

# The rows an update changed in what is counted, before and after (0023's).
COUNTED = "province_id, period_id, unit_id, category_id, state, due_on"
CHANGED = f"""
(SELECT {COUNTED} FROM tally_new EXCEPT ALL SELECT {COUNTED} FROM tally_old)
UNION ALL
(SELECT {COUNTED} FROM tally_old EXCEPT ALL SELECT {COUNTED} FROM tally_new)
"""
MOVED = "SELECT o.id FROM tally_old o JOIN tally_new w ON w.id = o.id WHERE w.path <> o.path"

# The trigger functions of 0023, ``{inserted}`` etc. the turns each event takes.
REPORT_LOCK = """
CREATE OR REPLACE FUNCTION assessments_report_lock_tally() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE key record;
BEGIN
IF TG_OP = 'INSERT' THEN
{inserted}
ELSIF TG_OP = 'DELETE' THEN
{deleted}
ELSE
{updated}
END IF;
RETURN NULL;
END $$;
"""

UNIT_LOCK = """
CREATE OR REPLACE FUNCTION assessments_unit_lock_tally() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE key record;
BEGIN
IF EXISTS ({moved}) THEN
    LOCK TABLE assessments_report IN SHARE ROW EXCLUSIVE MODE;
{turns}
END IF;
RETURN NULL;
END $$;
"""


def functions(take: str) -> list[str]:
    """0023's two lock functions, each taking its turns by ``take``."""

    def turns(rows: str) -> str:
        return TURNS.format(rows=rows, take=take)

    report = REPORT_LOCK.format(
        inserted=turns("SELECT province_id, period_id FROM tally_new"),
        deleted=turns("SELECT province_id, period_id FROM tally_old"),
        updated=turns(CHANGED),
    )
    unit = UNIT_LOCK.format(
        moved=MOVED,
        turns=turns(f"SELECT r.province_id, r.period_id FROM assessments_report r WHERE r.unit_id IN ({MOVED})"),
    )
    return [report, unit]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(TURN)
    for statement in functions(TAKES):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in functions(TOOK):
        schema_editor.execute(statement)
    schema_editor.execute("DROP FUNCTION IF EXISTS assessments_tally_turn(bigint, bigint);")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0024_filed_in"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
