"""Query plans that do not hang on the planner's statistics (PostgreSQL).

Which index serves a query on a table of a few hundred rows is a matter of costs a few
per cent apart, and those costs move with what earlier tests left in the table (dead
entries of rolled-back rows swell an index until a vacuum) and with what autovacuum last
sampled. A test that EXPLAINs a query with all the table's indexes in place and asserts
the name of one of them passes alone and fails in a serial run. So the question asked
here is whether the index FITS the query: the table's other indexes (its primary key too)
are dropped for the EXPLAIN, inside a transaction rolled back, and sequential and bitmap
scans are switched off. The planner is then left with that index, read with the
conditions the query gives it, or a switched-off scan, which costs more than any
statistics can make the index cost: the plan is the same on any statistics."""

from django.db import connection, transaction


def plan_with_only(index: str, table: str, sql: str, params=()) -> dict:
    """The plan (EXPLAIN, FORMAT JSON: its top node) of ``sql`` with ``index`` the only
    index of ``table``."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the keys' checks now, not at the ALTER
        # The constraints whose index is not ``index`` (the primary key, the unique keys),
        # with the keys of other tables that lean on them; then the plain indexes.
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u')"
            " AND conindid <> %s::regclass",
            [table, index],
        )
        for (constraint,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}" CASCADE')
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname <> %s", [table, index])
        for (other,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{other}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()[0]
        transaction.set_rollback(True)
    return plan["Plan"]


def scans_of(table: str, node: dict) -> list[dict]:
    """The plan's nodes that read ``table``, its subplans' too."""
    found = [node] if node.get("Relation Name") == table else []
    for child in node.get("Plans", []):
        found.extend(scans_of(table, child))
    return found
