"""Inserting many rows of plain values at once, for jobs that write tens of thousands of
bookkeeping rows (the day's reminders: one per person and item; a period's score lines).

On PostgreSQL the rows go in as one statement, a column an array (``INSERT … SELECT * FROM
unnest(…)``), without building a model instance per row; elsewhere (SQLite under ``make
run``) through ``bulk_create``.

Each array is sent as one text literal (``'{"1","2",…}'::bigint[]``), not as the driver's
``ARRAY[1, 2, …]``: PostgreSQL parses the latter as an expression of one constant per
element, which for 100,000 reminder rows cost more than inserting them (3.8 s against
1.7 s on the bench's machine).
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal

from django.db import connections, router

# Values whose text never needs quoting in an array literal (no space, comma, brace or quote).
_BARE = (int, Decimal, datetime.date)
_BARE_TYPES = {int, Decimal, datetime.date, type(None)}


def _element(value) -> str:
    """One element of a PostgreSQL array literal: NULL, a number or date as it is, t or f,
    else the value's text in double quotes (backslash before ``"`` and ``\\``)."""
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, _BARE) and not isinstance(value, datetime.datetime):
        return str(value)
    text = str(value)
    if "\\" in text or '"' in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def array_literal(values: Iterable) -> str:
    """``values`` as the text of a PostgreSQL array (``{1,NULL,"a b"}``), to be cast to the
    column's array type by the statement. A column of numbers and dates, or of strings
    without quotes or backslashes — nearly every column — is written without a call per
    element."""
    values = list(values)
    kinds = set(map(type, values))
    if kinds <= {int}:
        return "{" + ",".join(map(str, values)) + "}"
    if kinds <= _BARE_TYPES:
        return "{" + ",".join(["NULL" if value is None else str(value) for value in values]) + "}"
    if kinds == {str} and not any('"' in value or "\\" in value for value in values):
        return '{"' + '","'.join(values) + '"}'
    return "{" + ",".join(map(_element, values)) + "}"


def insert_rows(model, columns: Sequence[str], rows: Sequence[tuple], *, ignore_conflicts: bool = False) -> None:
    """Insert ``rows`` (tuples of plain values: ints, strs, decimals, dates, bools, None —
    in the order of ``columns``, field names or their ``_id`` attributes) into ``model``'s
    table, in the order given. With ``ignore_conflicts`` a row a unique constraint refuses
    is skipped, as ``bulk_create`` does; without, it raises ``IntegrityError`` and nothing
    is inserted."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in columns]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**{field.attname: value for field, value in zip(fields, row, strict=True)}) for row in rows],
            ignore_conflicts=ignore_conflicts,
            batch_size=2000,
        )
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)  # a key: its target's type
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) SELECT * FROM unnest({arrays})"
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, [array_literal(column) for column in zip(*rows, strict=True)])


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a job holds tens of thousands of
    small objects at once (the day's reminder items, a period's score lines): each of its
    passes walks every one of them, and at province scale those passes took a third of the
    reminders' time. What the job frees goes by reference counting as usual; cycles wait
    for the collector's next pass after the job. Nested uses leave it to the outermost."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
