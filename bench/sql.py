"""Set-based data making for the bench: rows are made by PostgreSQL (INSERT … SELECT, COPY),
never built as Python objects, so ten times province scale (6,000,000 reports) is made in
minutes on two cores.

``insert_select`` names the columns from the model itself: a field it is not given gets its
model default (or NULL when nullable), so a field added to a model later needs no change
here unless it is NOT NULL without a default, and then the error says which.

``draw(key, salt)`` is a repeatable pseudo-random number in [0, 1) made in SQL from a row's
key and the bench's seed (``hashint8extended``): the same seed gives the same rows whatever
order or plan PostgreSQL chooses, which ``random()`` would not.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, models

CHUNK = 100_000


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model) -> str:
    return qn(model._meta.db_table)


def draw(key_sql: str, seed: int, salt: int) -> str:
    """SQL for a number in [0, 1) that depends only on ``key_sql``, the seed and ``salt``."""
    hashed = f"hashint8extended(({key_sql})::bigint, {int(seed) * 1000 + int(salt)})"
    # mod(), not %: the statement may carry parameters, and % would be taken for one.
    return f"(mod(mod({hashed}, 1000000) + 1000000, 1000000)::float8 / 1000000)"


def pick(key_sql: str, seed: int, salt: int, weighted: list[tuple[str, int]]) -> str:
    """SQL CASE choosing one of ``weighted`` (value, weight) by ``draw``: a state, a grade."""
    total = sum(weight for _value, weight in weighted)
    roll = draw(key_sql, seed, salt)
    whens, edge = [], 0
    for value, weight in weighted[:-1]:
        edge += weight
        whens.append(f"WHEN {roll} < {edge / total!r} THEN '{value}'")
    return f"(CASE {' '.join(whens)} ELSE '{weighted[-1][0]}' END)"


def insert_select(model, given: dict[str, str], from_sql: str, params: Iterable = ()) -> int:
    """``INSERT INTO <model> (…) SELECT <given or default> FROM_SQL``; returns the rows made.

    ``given`` maps field names (or attnames) to SQL expressions over ``from_sql``'s aliases.
    """
    columns, expressions, select_params = [], [], []
    remaining = dict(given)
    for field in model._meta.concrete_fields:
        expression = remaining.pop(field.name, None) or remaining.pop(field.attname, None)
        if expression is not None:
            columns.append(qn(field.column))
            expressions.append(expression)
            continue
        if field.primary_key or (field.null and not field.has_default()):
            continue
        if isinstance(field, models.DateTimeField | models.DateField) and (field.auto_now or field.auto_now_add):
            columns.append(qn(field.column))
            expressions.append("now()")
            continue
        default = field.get_default()
        if default is None:
            raise RuntimeError(
                f"bench: {model.__name__}.{field.name} is NOT NULL without a default; give it in bench's data"
            )
        columns.append(qn(field.column))
        expressions.append("%s")
        select_params.append(field.get_db_prep_save(default, connection))
    if remaining:
        raise RuntimeError(f"bench: {model.__name__} has no field(s) {sorted(remaining)}")
    sql = f"INSERT INTO {table(model)} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {from_sql}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*select_params, *params])
        return cursor.rowcount


def _value(v) -> str:
    if v is None:
        return "\\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def copy_rows(model_or_table, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY rows into a table in chunks: fast, and memory stays at one chunk."""
    name = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
    count = 0
    buffer = io.StringIO()

    def flush():
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {qn(name)} ({', '.join(qn(c) for c in columns)}) FROM STDIN", buffer)
        buffer.seek(0)
        buffer.truncate()

    for row in rows:
        buffer.write("\t".join(_value(v) for v in row) + "\n")
        count += 1
        if count % CHUNK == 0:
            flush()
    flush()
    return count


def reset_sequence(model) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX({qn(model._meta.pk.column)}) "
            f"FROM {table(model)}), 1))",
            [model._meta.db_table, model._meta.pk.column],
        )


def vacuum_analyze() -> None:
    """Outside a transaction: the visibility map lets counts be index-only scans, as they
    are on a database that autovacuum has visited, and the planner knows the sizes."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


@contextmanager
def bulk_load(*models):
    """Load many rows into ``models``' tables fast, as PostgreSQL's manual advises: their
    secondary indexes are dropped and built again after (one sort instead of millions of
    insertions), and foreign-key triggers are off for this session
    (``session_replication_role``: the rows are consistent by construction). Primary keys
    and unique constraints stay and are checked."""
    saved: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for model in models:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [model._meta.db_table, model._meta.db_table],
            )
            found = cursor.fetchall()
            for name, _definition in found:
                cursor.execute(f"DROP INDEX {qn(name)}")
            saved += found
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in saved:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("SET session_replication_role = DEFAULT")
            if any(model._meta.label == "assessments.Report" for model in models):
                from assessments import tally

                tally.refill(cursor)  # its triggers were off for these rows (assessments/tally.py)
