"""The keys between two province-keyed tables, with the province on both sides (issue 16
item 5, ``docs/scale.md`` section 5).

On Citus a foreign key between two distributed tables must carry the distribution column on
both sides: ``FOREIGN KEY (province_id, report_id) REFERENCES assessments_report
(province_id, id)``. Django declares only the single-column key; the composite one is
declared beside it here, on PostgreSQL now, so that the database itself refuses a row whose
province is not its parent's (a row in the wrong shard, once distributed). The parent gets
``UNIQUE (province_id, id)``, which the key needs.

Like Django's keys they are ``DEFERRABLE INITIALLY DEFERRED``: checked at commit, so that a
move (``core.provinces.moved``, ``refill``: parents first, then each level of rows below,
one UPDATE per table) may pass through rows not yet carried along. They take no ``ON UPDATE
CASCADE``: a row can hang off two keyed parents (a score line off its unit's score and off a
report) and a cascade from one would drag it away from the other; ``moved`` and ``refill``
carry the province down every level in the same transaction, and the check at commit proves
they did.

``foreign_keys()`` reads every such key from the models (a keyed model's foreign key to
another keyed model), so a table added later is covered: ``tests/core/test_province_keys.py``
fails on a key that has no composite twin in the database. Each app's migration declares
its twins with ``AddProvinceForeignKeys``, which does nothing on SQLite (``make run``'s
default), where nothing is distributed.
"""

from __future__ import annotations

from django.db.backends.utils import truncate_name
from django.db.migrations.operations.base import Operation
from django.db.models import F

# Keys between two keyed tables whose rows may lie in two provinces, with why. They keep
# Django's single-column key only; the Citus step drops it and the link is the application's
# (docs/scale.md 5, item 3). A merge across provinces (``oversight.reorganization``: 撤并 into
# a unit of another tree) moves a unit's *open* work only, and a unit moved under another
# root (``Unit.objects.move``) takes what hangs off it, not what it merely refers to.
_MERGE = "a merge across provinces moves the open one of the two and leaves the other"
CROSSING = {
    "responsibilities.Liaison.post": "a leader's post may oversee a unit of another organization (the form offers "
    "every 党组 and 党委 post for every unit) and a unit moved under another root keeps its liaison: the liaison "
    "lives with the unit, which the review queue reads it by",
    "appraisals.Appraisee.post": "a round's rows stay with the round; a branch moved to another tree takes its post",
    "oversight.Rectification.report": _MERGE + " (an open rectification of an approved report, a returned report "
    "with a closed rectification)",
    "oversight.Rectification.notice": _MERGE,
    "oversight.Rectification.finding": "a finding stays with its round; an open rectification follows its unit "
    "(a merge, a move under another root)",
    "oversight.SupervisionNotice.report": _MERGE,
    "oversight.SupervisionNotice.rectification": _MERGE,
    "scoring.ScoreLine.report": "a report still being written moves with a merge; the old unit's score of the open "
    "period names it until the scores are computed again",
    "honours.Honour.round": "an honour conferred is the unit's record (its page and the hearing pack read it by "
    "unit) and moves with the unit under another root; its round and nomination stay with the round",
    "honours.Honour.nomination": "as its round",
    "assessments.Task.decision": "a 党组 meeting's decision stays with the meeting; a task follows its unit when "
    "the unit moves under another root",
}


def label(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


def foreign_keys() -> list[tuple[type, object]]:
    """(model, field) for every foreign key from a keyed model to another keyed model that
    must carry the province on both sides (all but ``CROSSING``)."""
    from core.provinces import keyed_models

    keyed = set(keyed_models())
    return [
        (model, field)
        for model in keyed_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in keyed and label(model, field) not in CROSSING
    ]


def unique_name(table: str) -> str:
    return truncate_name(f"{table}_province_id_uniq", 63)


def key_name(table: str, column: str) -> str:
    return truncate_name(f"{table}_{column}_province_fk", 63)


def _exists(cursor, table: str, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_constraint WHERE conrelid = %s::regclass AND conname = %s", [table, name])
    return cursor.fetchone() is not None


def add(schema_editor, model, field) -> None:
    """``UNIQUE (province_id, id)`` on the parent (once), then the composite key.

    On an installed database with a year of rows, neither is made in one step: a key added
    whole scans the table under a lock that stops every write to it and to its parent
    until the scan ends, and a unique constraint added whole builds its index under one
    that stops reads too. The key is added ``NOT VALID`` (checked for new rows from then
    on; a moment's lock) and validated by a statement of its own (a scan that lets rows be
    written meanwhile); in a migration that is not atomic (each statement its own
    transaction) the parent's unique is an index built ``CONCURRENTLY`` and then made the
    constraint. Inside a transaction the steps are the same but the first lock is held to
    the end, as before."""
    quote = schema_editor.quote_name
    parent = field.related_model._meta
    table, parent_table = model._meta.db_table, parent.db_table
    province, parent_province = model._meta.get_field("province").column, parent.get_field("province").column
    with schema_editor.connection.cursor() as cursor:
        if not _exists(cursor, parent_table, unique_name(parent_table)):
            concurrently = not schema_editor.atomic_migration and not schema_editor.connection.in_atomic_block
            for statement in unique_statements(field.related_model, concurrently=concurrently, quote=quote):
                schema_editor.execute(statement)
    name = quote(key_name(table, field.column))
    schema_editor.execute(
        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {name} "
        f"FOREIGN KEY ({quote(province)}, {quote(field.column)}) "
        f"REFERENCES {quote(parent_table)} ({quote(parent_province)}, {quote(field.target_field.column)}) "
        "DEFERRABLE INITIALLY DEFERRED NOT VALID"
    )
    schema_editor.execute(f"ALTER TABLE {quote(table)} VALIDATE CONSTRAINT {name}")


def unique_statements(parent_model, *, concurrently: bool, quote=None) -> list[str]:
    """The statements making ``UNIQUE (province_id, id)`` on ``parent_model``'s table: an
    index built ``CONCURRENTLY`` (after dropping one a failed run left invalid) made the
    constraint, or, inside a transaction, the constraint added whole."""
    quote = quote or (lambda name: f'"{name}"')
    meta = parent_model._meta
    table, name = quote(meta.db_table), quote(unique_name(meta.db_table))
    columns = f"({quote(meta.get_field('province').column)}, {quote(meta.pk.column)})"
    if not concurrently:
        return [f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE {columns}"]
    return [
        f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        f"CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} {columns}",
        f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}",
    ]


def drop(schema_editor, model, field) -> None:
    """The composite key, then the parent's ``UNIQUE (province_id, id)`` once no key needs it."""
    quote = schema_editor.quote_name
    table, parent_table = model._meta.db_table, field.related_model._meta.db_table
    schema_editor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(key_name(table, field.column))}")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_constraint k JOIN pg_constraint u ON u.conindid = k.conindid "
            "WHERE k.contype = 'f' AND u.conrelid = %s::regclass AND u.conname = %s",
            [parent_table, unique_name(parent_table)],
        )
        needed = cursor.fetchone() is not None
    if not needed:
        schema_editor.execute(f"ALTER TABLE {quote(parent_table)} DROP CONSTRAINT {quote(unique_name(parent_table))}")


class AddProvinceForeignKeys(Operation):
    """Declare, beside Django's single-column keys ``fields`` of ``model_name``, their
    composite twins ``(province_id, <field>_id) → parent (province_id, id)`` (PostgreSQL only)."""

    reversible = True

    def __init__(self, model_name: str, fields: list[str]):
        self.model_name = model_name
        self.fields = list(fields)

    def deconstruct(self):
        return self.__class__.__qualname__, [], {"model_name": self.model_name, "fields": self.fields}

    def state_forwards(self, app_label, state):
        pass  # the model state is unchanged: the key is the database's only

    def _run(self, step, app_label, schema_editor, state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = state.apps.get_model(app_label, self.model_name)
        for name in self.fields:
            step(schema_editor, model, model._meta.get_field(name))

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(add, app_label, schema_editor, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(drop, app_label, schema_editor, from_state)

    def describe(self):
        return f"Add the province to the keys {', '.join(self.fields)} of {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_province_keys"


def realigner(app_label: str, plan: list[tuple[str, tuple[str, ...]]]):
    """A data migration's forward step, run before the keys are declared: each row of
    ``plan``'s models (model name, the keys its province comes from; parents first) whose
    province is not that of what it hangs off takes it — a row a past bug left in another
    province than its parent's, which the composite key would refuse. One UPDATE per table,
    touching only such rows."""

    def forward(apps, schema_editor):
        from core.provinces import expression

        for name, sources in plan:
            model = apps.get_model(app_label, name)
            want = expression(model, sources)
            wrong = model._base_manager.annotate(want=want).filter(want__isnull=False).exclude(province=F("want"))
            wrong = model._base_manager.filter(pk__in=wrong.values("pk"))
            wrong.update(province=expression(model, sources))

    return forward
