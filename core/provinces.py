"""The province key: the distribution column of a national installation on Citus (issue 16
item 5, ``docs/scale.md`` section 5).

**What a province is.** Mingze's organization tree is a forest (``responsibilities.Unit``,
a materialized path of 4-character steps): each root is an organization that runs its own
responsibility system — a 党组 with its 机关党委 and branches, or a 纪检监察组 on its own
track (responsibilities migration 0005). A national installation holds one root per
province-level organization (there is no central node: the centre is the installation). So
the province of a unit is **the root of its tree, the unit whose path is the unit's first
step**; a root is its own province. Everything a unit owns — reports, their events and
evidence, work records, scores, rectifications, notices, tasks — carries that root's id in
``province_id``, set here and only here.

**Why an id, as a foreign key the database does not enforce.** On Citus the unit table is
a reference table (copied to every node: the tree is small next to its reports, written
rarely, and joined by every subtree filter), so a key from a distributed table to it —
``unit_id``, ``province_id`` — is valid as Django declares it. A key between two
distributed tables must carry the distribution column on both sides (``FOREIGN KEY
(province_id, report_id) REFERENCES assessments_report (province_id, id)``), which Django
cannot declare: ``core.province_keys`` declares it beside Django's, and docs/scale.md
section 5 says what the Citus step does with them. The column is a
``ForeignKey(db_constraint=False)``: Django reads ``row.province`` and joins on it, while
the database keeps no constraint because a new root's province is itself, known only once
it is inserted. The rule that the key is the unit's root is kept
by ``ProvinceKeyed`` (``save`` and ``bulk_create``) and checked, table by table, by
``tests/core/test_provinces.py``.

Where a row is written in bulk without model instances (``INSERT … SELECT``, ``core.bulk``
``insert_rows``), the writer adds the column itself: from ``unit.province_id`` in SQL or in
the rows it read, or ``of_units`` (the provinces of many units in one query). A writer
with model instances calls ``stamp(rows)`` (``bulk_create`` here does it already).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db import connections, models, router
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

UNIT = "responsibilities.Unit"
FILED_IN = "responsibilities.FiledIn"


def province_field(verbose_name=None, **kwargs):
    """The ``province`` column of a unit-hanging table (see the module's text for why the
    database keeps no constraint on it), or the province of a row another key names
    (``ProvinceKeyed.province_keys``)."""
    return models.ForeignKey(
        UNIT,
        verbose_name=verbose_name or _("province"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        editable=False,
        **kwargs,
    )


def organization_field(verbose_name, **kwargs):
    """A row's organization — a root of the tree, i.e. a province: the one that runs a yearly
    round, or whose series numbers a notice. The row's own province comes from it."""
    return models.ForeignKey(
        UNIT, verbose_name=verbose_name, on_delete=models.PROTECT, related_name="+", editable=False, **kwargs
    )


def add_organization(model_name: str, verbose_name: str) -> list:
    """A migration's operations adding a (still nullable) ``organization`` to the model."""
    from django.db import migrations

    field = organization_field(verbose_name, null=True)
    return [migrations.AddField(model_name=model_name, name="organization", field=field)]


def require_organization(model_name: str, verbose_name: str, *, unique: tuple[str, ...], name: str) -> list:
    """A migration's operations making the filled ``organization`` required, with the unique
    constraint ``name`` over ``province``, ``organization`` and ``unique``."""
    from django.db import migrations

    return [
        migrations.AlterField(model_name=model_name, name="organization", field=organization_field(verbose_name)),
        migrations.AddConstraint(
            model_name=model_name,
            constraint=models.UniqueConstraint(fields=("province", "organization", *unique), name=name),
        ),
    ]


def _unit_model():
    return apps.get_model(UNIT)


def root_path(path: str) -> str:
    """The path of the root above (or at) the unit whose path is ``path``."""
    return path[: _unit_model().steplen]


def of_units(unit_ids: Iterable[int]) -> dict[int, int]:
    """unit id → its province's id, for many units in one query."""
    ids = set(unit_ids)
    if not ids:
        return {}
    return dict(_unit_model().objects.filter(pk__in=ids).values_list("pk", "province_id"))


class IdList(models.Aggregate):
    """The distinct ids of a column as one text, ``"3,17"`` (``STRING_AGG`` on PostgreSQL,
    ``GROUP_CONCAT`` on SQLite): a few provinces read inside another query's row, as a
    correlated subquery's value (``responsibilities.access`` reads a reviewer's provinces
    with their posts); ``ids`` turns it back into integers."""

    function = "STRING_AGG"
    template = "%(function)s(DISTINCT CAST(%(expressions)s AS TEXT), ',')"
    output_field = models.TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(DISTINCT %(expressions)s)"
        )


def ids(text: str | None) -> tuple[int, ...]:
    """``IdList``'s text as sorted integers (None: no row)."""
    return tuple(sorted({int(part) for part in (text or "").split(",") if part}))


def joined(*paths: str, row: str = "") -> Q:
    """The provinces' equality of a keyed row and the keyed rows it is joined to through
    ``paths`` (``joined("assignment", "assignment__post")`` on reports): a query that joins
    two keyed tables carries it, so that on Citus the join is co-located — each shard joins
    its own rows (docs/scale.md 5). Both sides always hold the same province (the child
    copies its parent's), so it keeps every row it kept. ``row`` prefixes the keyed row
    itself (``"report__"`` when the query is on that report's children)."""
    return Q(**{f"{row}{path}__province": F(f"{row}province") for path in paths})


def joined_if_set(path: str, *, via: str = "", row: str = "") -> Q:
    """``joined`` along a key that may be empty (a rectification's post, a notice's report's
    assignment): the row is kept when ``path`` names no row, so that a LEFT JOIN keeps its
    rows (``path`` is empty too when a key on the way is). ``via``: the row on the way whose
    province ``path``'s must equal (``via="report"``, ``path="report__assignment"``: the
    report and its assignment), else the row's own."""
    own = F(f"{row}{via}__province") if via else F(f"{row}province")
    return Q(**{f"{row}{path}__isnull": True}) | Q(**{f"{row}{path}__province": own})


def outer(path: str, *, via: str = "") -> models.FilteredRelation:
    """The keyed row ``path`` names along a key that may be empty (a rectification's post),
    joined with the provinces' equality in the ``LEFT JOIN``'s own ``ON`` — Citus plans an
    outer join between distributed tables only with the distribution column there
    (docs/scale.md 5), where ``joined_if_set`` puts it in the ``WHERE``. ``via``: the row on
    the way whose province ``path``'s must equal (``via="report"``, ``path="report__assignment"``),
    else the row's own. ``path`` may go on from another ``outer`` row (``"report_here__
    assignment"``: the report found within the province, then its assignment within it).
    Annotated under a name of its own (``post_here``) and given back under the key's by
    ``outer_rows``:

        rows = Rectification.objects.annotate(post_here=provinces.outer("post"))
        rows = provinces.outer_rows(rows.select_related("post_here__holder"), post_here="post")
    """
    own = F(f"{via}__province") if via else F("province")
    return models.FilteredRelation(path, condition=Q(**{f"{path}__province": own}))


def outer_rows(rows: Iterable[models.Model], *, within: Q | None = None, **names: str) -> list[models.Model]:
    """``rows`` read, each ``outer`` row (the annotation's name) cached as the key it
    follows (``post_here="post"``, ``report_assignment="report__assignment"``; a deeper
    path after the one it goes through), so that ``row.post`` reads no query: the row, or
    None when the key is empty.

    A key set whose row was not found within the province (along a key of
    ``core.province_keys.CROSSING``, such as a rectification's report, which a merge across
    provinces may leave in another province than the rectification) is looked up by id
    within ``within`` (the reader's provinces) or the province of the row that names it:
    a second lookup, only then — one query per name and province of the rows naming them,
    however many there are; None when it is not there. Without ``within`` such a row is
    left to read itself."""
    rows = list(rows)
    for name, path in names.items():
        *way, key = path.split("__")
        elsewhere: dict[tuple[type, int], list] = defaultdict(list)  # (model, province) → (owner, field)
        for row in rows:
            owner = functools.reduce(lambda obj, step: obj and getattr(obj, step), way, row)
            if owner is None:
                continue
            field = owner._meta.get_field(key)
            found = getattr(row, name, None)
            if found is None and getattr(owner, field.attname) is not None:
                if within is not None:
                    elsewhere[(field.related_model, owner.province_id)].append((owner, field))
                continue
            field.set_cached_value(owner, found)
        for (model, province), owners in elsewhere.items():
            got = _elsewhere(model, province, [getattr(owner, field.attname) for owner, field in owners], within)
            for owner, field in owners:
                field.set_cached_value(owner, got.get(getattr(owner, field.attname)))
    return rows


def _elsewhere(model, province: int, pks: list, within: Q) -> dict:
    """id → row of ``model`` for the ``pks`` rows of ``province`` name by key, not found in
    the outer join's province: read within ``within`` or that province, one query."""
    rows = model._base_manager.filter(within | Q(province=province), by_ids(sorted(set(pks))))
    return {row.pk: row for row in rows}


def by_ids(pks: list) -> Q:
    """A Q on the rows of ``pks``: ``id = …`` for one (as ``get`` reads it), ``IN (…)`` for
    more."""
    return Q(pk=pks[0]) if len(pks) == 1 else Q(pk__in=pks)


def beside(outer: str = "") -> Q:
    """In a subquery correlated with an outer keyed row (``EXISTS`` of the posts of the
    report's unit, a liaison's holder as an annotation), the rows of the outer row's province:
    ``outer`` prefixes the outer row's province (``"report__"``). Co-located on Citus, as
    ``joined``."""
    return Q(province=OuterRef(f"{outer}province"))


def delete_within(rows: models.QuerySet, province: int) -> int:
    """Delete ``rows`` of ``province`` in one statement naming it, ``DELETE … WHERE … AND
    province_id = …``: on Citus one shard's (docs/scale.md 5). Django's own ``delete``
    reads the rows first, deletes them by their ids alone and asks every table that points
    at them by that key alone. This one sends no signals and collects nothing: for rows
    nothing points at any more — their dependants deleted first, within the province, or
    none possible (a round's set-up while it is a draft). The database's keys still refuse,
    at commit, a row left pointing at a deleted one. ``rows`` reads one table (no join):
    name the parent rows by a subquery (``appraisee__in=…values("pk")``)."""
    return rows.filter(province=province)._raw_delete(rows.db)


def stamp(objs: Iterable[models.Model]) -> None:
    """Set ``province_id`` on unsaved (or moved) rows from what they hang off: the first of
    their ``province_from`` foreign keys that is set. A parent already loaded costs nothing;
    the others are read in one query per kind of parent, however many rows there are."""
    wanted: dict[type, set] = defaultdict(set)
    plan = []
    for obj in objs:
        for name in type(obj).province_from:
            field = obj._meta.get_field(name)
            key = getattr(obj, field.attname)
            if key is None:
                continue
            known = getattr(obj, name).province_id if field.is_cached(obj) else None
            if known is not None:  # a parent made in memory (a ranking's unit) is read instead
                plan.append((obj, None, known))
            else:
                wanted[field.related_model].add(key)
                plan.append((obj, field.related_model, key))
            break
    found = {
        model: dict(model._base_manager.filter(pk__in=keys).values_list("pk", "province_id"))
        for model, keys in wanted.items()
    }
    for obj, model, value in plan:
        obj.province_id = value if model is None else found[model].get(value)
    stamp_keys(objs)


def stamp_keys(objs: Iterable[models.Model], names: Iterable[str] | None = None) -> None:
    """Set each ``province_keys`` column of ``objs`` (of ``names`` only, when given) to the
    province of the row its key names: a parent already loaded costs nothing, the others
    are read in one query per kind of parent."""
    wanted: dict[type, set] = defaultdict(set)
    plan = []
    for obj in objs:
        for name, column in getattr(type(obj), "province_keys", {}).items():
            if names is not None and name not in names:
                continue
            field = obj._meta.get_field(name)
            key = getattr(obj, field.attname)
            if key is not None and field.is_cached(obj) and getattr(obj, name).province_id is not None:
                setattr(obj, f"{column}_id", getattr(obj, name).province_id)
            elif key is not None:
                wanted[field.related_model].add(key)
                plan.append((obj, column, field.related_model, key))
            else:
                setattr(obj, f"{column}_id", None)
    found = {
        model: dict(model._base_manager.filter(pk__in=keys).values_list("pk", "province_id"))
        for model, keys in wanted.items()
    }
    for obj, column, model, key in plan:
        setattr(obj, f"{column}_id", found[model].get(key))


def note_filed(pairs: Iterable[tuple[int | None, int | None]]) -> None:
    """Note (person, province) of rows a person filed (``ProvinceKeyed.filer``: a report
    submitted, a notice issued) in ``responsibilities.FiledIn``, where ``responsibilities.
    access.find`` reads the provinces it asks second: one ``INSERT … ON CONFLICT DO
    NOTHING``, nothing for a pair already there."""
    wanted = sorted({(person, province) for person, province in pairs if person and province})
    if wanted:
        model = apps.get_model(FILED_IN)
        model._base_manager.bulk_create(
            [model(person_id=person, province_id=province) for person, province in wanted], ignore_conflicts=True
        )


class ProvinceQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        stamp(objs)
        return super().bulk_create(objs, *args, **kwargs)


class ProvinceKeyed(models.Model):
    """A table distributed by province: ``province`` is filled from ``province_from`` (the
    names of the foreign keys to a unit or to another province-keyed row, the first one set
    wins) by ``save`` and ``bulk_create``. A ``save`` that moves the row to another parent
    (``update_fields`` naming one of them: a reorganization) moves its province too, and
    ``moved`` carries it to the rows that hang off this one."""

    province = province_field()

    objects = ProvinceQuerySet.as_manager()

    province_from: tuple[str, ...] = ("unit",)
    # Keys of ``core.province_keys.CROSSING`` whose row's province this row carries in a
    # column of its own (a liaison's post: ``{"post": "post_province"}``), so that a read
    # of that row names its province (docs/scale.md 5): set with the row's own
    # (``stamp``), carried when the row it names moves (``moved``, ``refill``).
    province_keys: dict[str, str] = {}
    # The person who filed the row (``filed_by_q``: a report's submitter, a notice's
    # issuer): its province is noted as theirs (``note_filed``) when it moves.
    filer: str = ""
    # Rows whose province is where they were written, for good: the audit chain's links and
    # heads (a chain is history; ``audit.models``). ``refill`` leaves them as they are.
    province_fixed: bool = False
    # A table a move in the tree locks against its writers (``SHARE ROW EXCLUSIVE``) before
    # any path changes (``hold_for_move``): one whose triggers take that lock on a move
    # anyway (the reports: assessments migration 0023), taken first so that the lock
    # order is the same for every move.
    locked_while_moving: bool = False

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        before = self.province_id
        stamped = self._needs_stamp(fields)
        if stamped:
            stamp([self])
        if fields is not None and self.province_id != before:
            kwargs["update_fields"] = {*fields, "province"}
        keys = type(self).province_keys
        changed = set(keys) if fields is None else set(fields) & set(keys)
        if changed and not stamped:
            stamp_keys([self], changed)
        if changed and fields is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *(keys[name] for name in changed)}
        super().save(*args, **kwargs)
        if before is not None and self.province_id != before:
            moved(self)

    def _needs_stamp(self, fields) -> bool:
        """New; saved with one of its parents named (a reorganization); or saved whole with
        its loaded parent in another province."""
        if self.province_id is None:
            return True
        if fields is not None:
            return bool(set(fields) & set(self.province_from))
        return self._parent_moved()

    def _parent_moved(self) -> bool:
        """Whether the (loaded) parent this row hangs off is in another province now."""
        for name in self.province_from:
            field = self._meta.get_field(name)
            if getattr(self, field.attname) is not None:
                return field.is_cached(self) and getattr(self, name).province_id != self.province_id
        return False

    @classmethod
    def province_expression(cls):
        """For a model whose ``province_from`` is empty (its rows name what they hang off
        generically): the SQL expression of a row's province, for ``refill``."""
        raise NotImplementedError(f"{cls.__name__} names no province_from and no province_expression")


@functools.cache
def keyed_models() -> tuple[type[models.Model], ...]:
    """Every concrete model that carries the province key, parents before the rows that
    hang off them (a report before its events). Worked out once: the models do not change
    while the process runs (``apps.get_models`` refuses before they are all loaded)."""
    keyed = [m for m in apps.get_models() if issubclass(m, ProvinceKeyed)]

    def rank(model, seen=()) -> int:
        parents = [model._meta.get_field(name).related_model for name in model.province_from]
        return 1 + max((rank(p, (*seen, model)) for p in parents if p in keyed and p not in seen), default=0)

    return tuple(sorted(keyed, key=lambda m: (rank(m), m._meta.label)))


def moved(row: models.Model) -> None:
    """Carry ``row``'s province to every row that hangs off it (a report's events and
    evidence, a record's files…), down the whole chain, one UPDATE per table and level,
    and to the rows naming it along a key whose province they carry (``province_keys``);
    its filer's provinces take it (``note_filed``)."""
    if type(row).filer:
        note_filed([(getattr(row, row._meta.get_field(type(row).filer).attname), row.province_id)])
    _carry(type(row), [row.pk], row.province_id)


def _carry(parent, pks: list, province: int) -> None:
    for model in keyed_models():
        for name, column in model.province_keys.items():
            if model._meta.get_field(name).related_model is parent:
                rows = model._base_manager.filter(**{f"{name}__in": pks}).exclude(**{column: province})
                rows.update(**{column: province})
    for model in keyed_models():
        for name in model.province_from:
            if model._meta.get_field(name).related_model is not parent:
                continue
            rows = model._base_manager.filter(**{f"{name}__in": pks}).exclude(province_id=province)
            children = list(rows.values_list("pk", flat=True))
            if children:
                model._base_manager.filter(pk__in=children).update(province_id=province)
                _carry(model, children, province)


def expression(model, sources: Iterable[str]):
    """The SQL expression of a row's province, read from what it hangs off (``sources``:
    the ``province_from`` of the model, in order) — or, for the unit table, its root's id
    from the first step of its path. Used by the data migrations that fill the column and
    by ``refill`` after a unit moves in the tree: one set-based UPDATE per table."""
    if model._meta.label == UNIT:
        steplen = _unit_model().steplen
        roots = model._base_manager.filter(path=Substr(OuterRef("path"), 1, steplen)).values("pk")[:1]
        return Subquery(roots)
    if not sources:
        return model.province_expression()  # generic rows (reminders): the model says how
    reads = []
    for name in sources:
        field = model._meta.get_field(name)
        parent = field.related_model._base_manager.filter(pk=OuterRef(field.attname))
        reads.append(Subquery(parent.values("province_id")[:1]))
    return reads[0] if len(reads) == 1 else Coalesce(*reads)


def fill(model, sources: Iterable[str] = (), queryset=None) -> int:
    """Set every row's province (of ``queryset``, else of the whole table) in one UPDATE."""
    rows = model._base_manager.all() if queryset is None else queryset
    return rows.update(province=expression(model, tuple(sources)))


def _unit_lookups(model) -> list[str]:
    """The ORM paths from ``model`` to the units its province may come from."""
    if model._meta.label == UNIT:
        return [""]
    paths = []
    for name in model.province_from:
        parent = model._meta.get_field(name).related_model
        paths += [f"{name}__{rest}" if rest else name for rest in _unit_lookups(parent)]
    return paths


def refill(path: str, was: int) -> None:
    """After units under ``path`` moved in the tree (an admin's move) from province ``was``:
    their province and that of every row hanging off them, parents first. Rows with no
    key to what they hang off (reminders of generic items) are read again within ``was``."""
    Unit = _unit_model()
    moved = Unit(path=path).subtree().order_by().values("pk")  # the tree's own subtree rule
    fill(Unit, queryset=Unit._base_manager.filter(pk__in=moved))
    for model in keyed_models():
        if model.province_fixed:
            continue
        if not model.province_from:
            fill(model, queryset=model._base_manager.filter(province=was))
            continue
        fill(model, model.province_from, model._base_manager.filter(_under(model, moved)))
    # Then, every row's province known: the provinces rows carry of what another key names
    # (a liaison's post), and the filers' of the rows that moved.
    for model in keyed_models():
        for name, column in model.province_keys.items():
            parent = model._meta.get_field(name).related_model
            named = parent._base_manager.filter(pk=OuterRef(f"{name}_id")).values("province_id")[:1]
            model._base_manager.filter(_under(parent, moved, f"{name}__")).update(**{column: Subquery(named)})
        if model.filer and not model.province_fixed and model.province_from:
            rows = model._base_manager.filter(_under(model, moved), **{f"{model.filer}__isnull": False})
            note_filed(rows.values_list(model.filer, "province").distinct().order_by())


def hold(unit_ids: Iterable[int]) -> dict[int, int]:
    """Take the provinces of ``unit_ids`` for a change that carries rows from one province
    to another (a unit moved in the tree, a merge): a row lock on each province's root,
    ``FOR NO KEY UPDATE`` (rows still name the roots by key meanwhile), taken in id order,
    until the caller's transaction ends. Two such changes between the same provinces, in
    opposite directions, queue on the first root instead of each holding what the other
    needs next ("deadlock detected"), and two moves in one province never work on the
    same subtree at once. A province read before its lock may have changed by the time the
    lock is held (a move committed meanwhile): the provinces are read again, and a new
    one is held too. Within a transaction (the caller's ``atomic``); SQLite, which writes
    one transaction at a time, takes no lock. unit id → its province, read under the locks."""
    Unit = _unit_model()
    units = Unit._base_manager.db_manager(router.db_for_write(Unit))
    ids, held = sorted(set(unit_ids)), set()
    while True:
        found = dict(units.filter(pk__in=ids).values_list("pk", "province_id"))
        wanted = sorted(set(found.values()) - held)
        if not wanted:
            return found
        list(units.select_for_update(no_key=True).filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))
        held.update(wanted)


def hold_for_move(unit_ids: Iterable[int]) -> dict[int, int]:
    """``hold`` the provinces of a move in the tree (the unit moved and where it goes), then
    lock the tables ``locked_while_moving`` against their writers, before any unit's path
    changes: the order every move takes its locks in (roots by id, those tables, the units
    it rewrites, the tally's turns), so that no two moves, nor a move and a writer of
    reports that names a moving unit by key, wait for each other both ways."""
    found = hold(unit_ids)
    lock_while_moving()
    return found


def lock_while_moving() -> None:
    """Lock the tables ``locked_while_moving`` against their writers until the transaction
    ends: after the provinces' roots (``hold``), before the first unit's path changes (a
    move, or a unit added among siblings that are shifted to make room for it). SQLite,
    which writes one transaction at a time, takes no lock."""
    connection = connections[router.db_for_write(_unit_model())]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in keyed_models():
                if model.locked_while_moving:
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


def _under(model, units, prefix: str = "") -> Q:
    """Rows of ``model`` (along ``prefix``) hanging off one of ``units`` (a subquery)."""
    under = Q()
    for lookup in _unit_lookups(model):
        under |= Q(**{f"{prefix}{lookup}__in": units})
    return under


def filler(app_label: str, plan: list[tuple[str, tuple[str, ...]]]):
    """A data migration's forward step: fill ``province`` of each model of ``plan`` (model
    name, its sources; parents first), one set-based UPDATE per table."""

    def forward(apps, schema_editor):
        for name, sources in plan:
            fill(apps.get_model(app_label, name), sources)

    return forward


def add_key(*model_names: str) -> list:
    """A migration's operations adding the (still nullable) province key to the models."""
    from django.db import migrations

    return [
        migrations.AddField(model_name=name, name="province", field=province_field(null=True)) for name in model_names
    ]


def add_history_key(*model_names: str) -> list:
    """A migration's operations adding the province key to django-simple-history's copies
    of keyed models: nullable for good, left empty on the history written before it."""
    from django.db import migrations

    return [
        migrations.AddField(model_name=name, name="province", field=province_field(null=True, blank=True))
        for name in model_names
    ]


def require_key(*model_names: str) -> list:
    """A migration's operations making the filled province key required."""
    from django.db import migrations

    return [migrations.AlterField(model_name=name, name="province", field=province_field()) for name in model_names]


def owner_filler(app_label: str, model_name: str, members: str):
    """A data migration's step giving each row of ``model_name`` (a yearly round, which
    named no unit before) the organization that runs it, in ``organization``: the province
    most of its ``members`` (the related name of the rows under it that hang off units:
    appraised secretaries, nominations) lie in — all of them, for a round of one province
    — ties to the first by path; a round with none takes the first root of the tree, the
    one whose audit chain has always held a round's own steps (``audit.chain``). Rounds
    are few (one a year): one query per round."""

    def forward(apps, schema_editor):
        from django.db.models import Count

        Unit = apps.get_model(UNIT)
        Model = apps.get_model(app_label, model_name)
        first = Unit.objects.filter(depth=1).order_by("path").values_list("pk", flat=True).first()
        for row in Model.objects.filter(organization__isnull=True):
            counts = (
                getattr(row, members)
                .values("province")
                .annotate(n=Count("pk"))
                .order_by("-n", "province__path")
                .values_list("province", flat=True)
            )
            row.organization_id = counts.first() or first
            row.save(update_fields=["organization"])

    return forward
