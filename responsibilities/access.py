"""Who sees what, who acts for which unit, who may judge what — decided here and only here.

DESIGN.md, "Who sees what (one module decides it)":

- Leaders, admins and the supervisor see the whole organization (``sees_everything``).
- A person who holds a post in a unit sees that unit and every unit under it — reports,
  evidence, scores, records, exports — read-only unless another rule lets them act: a
  branch secretary sees the branch, the 机关党委's post holders see the branches under it
  (``visible_units``, ``may_see_unit``, ``visible``). The speech wants responsibility
  passed down layer by layer (一、一 "责任层层传递、压力层层传导"), with the 机关党委 as the
  dedicated body (专责机构) that carries the work to every branch: so a unit's people
  read what is below them.
- A post holder acts (files, replies, reports done) for the units in which they hold a
  post, and for those only (``may_act_for``).
- No one reviews, approves, verifies or waives anything of a unit in which they hold a
  post, or anything they submitted — admins included (``may_judge``).
- A link is shown only where its page would open for that person, and an export holds
  exactly what its requester's dashboard shows: pages and exports ask ``may_see_unit`` and
  ``covers`` here rather than deciding themselves.

Every app's ``permissions`` module keeps its per-object *action* rules (file, review,
reopen, verify…) but builds them on the answers of this module; no other code filters by
held units or by a unit's path (``in_subtree`` is the one way to say "this subtree").

Why here, in ``responsibilities`` and not in ``core``: the scope is read off the
organization tree and its posts (``Unit``, ``Post``), which are ``responsibilities``'
models, and ``core`` imports no app above it (DESIGN.md, "Runtime": layers). Reaching the
models from ``core`` by name (``apps.get_model``) would only hide that dependency from
the import linter. ``responsibilities`` is the organization's own layer: it sits below
every feature app (assessments, scoring, oversight, appraisals, dashboard…), so all of
them may import this module, and it imports nothing above ``accounts``.

What a request reads is kept on the user object (``_mingze_access``): one query for the
posts held, whatever the number of checks on the page.

Where later rules go — each as a small named function in the section it belongs to, and
applied in the one place named here, so that no page needs to change:

- 纪检监察组 files marked 内部 (problem-clue ledgers…), seen only by the 纪检监察组 and the
  党组书记: a *restriction* in ``_restrictions``, for the models that carry the mark (it
  narrows what even leaders see).
- 谈心谈话 notes, seen only by the people in the talk and the unit's secretary: another
  restriction, keyed on the record's participants.
- An outgoing post holder keeping read access to what they filed: a *grant* in ``_grants``
  (``Q(<filer field>=user)`` beside the unit scope).
- A new page of an object that others link to (from a notification, a digest): a check
  for its URL registered with ``core.links``, written on the answers here.
- Who files (the carrying post's holder or a named deputy) and who reviews (the liaison
  post's holder; the 党组书记 for the members' 一岗双责 reports; the 纪检监察组's own
  track): in the "Acting" and "Judging" sections, next to ``may_act_for`` and
  ``may_judge``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from core import links, provinces
from core.permissions import pk_or_404

from .models import MEMBER_KINDS, Assignment, Deputy, FiledIn, Liaison, Post, PostKind, Unit, UnitKind

# ---------------------------------------------------------------------------------------
# Who a person is, for access: read once per request


@dataclass(frozen=True)
class HeldPost:
    """A post ``user`` holds now, with what the rules need of its unit."""

    post_id: int
    unit_id: int
    unit_path: str
    leaf: bool  # the unit has no unit under it (a branch, usually)
    holder: bool = True  # False: a deputy the holder named (a 党务干事), for their dates
    kind: str = ""  # the post's kind (secretary, member…)
    unit_kind: str = ""  # its unit's kind (leading_group, branch…)
    liaison: bool = False  # the post is some unit's liaison post now (党建联系点)
    province_id: int | None = None  # its unit's root (core.provinces): where its rows live
    # The provinces of the units whose liaison post it is now (a leader reviews their reports).
    liaison_provinces: tuple[int, ...] = ()
    # A 党组's secretary post: the provinces of every 纪检监察组 (the 党组书记 reviews their
    # reports, 一、三; a 纪检监察组 is a root of its own, so another province).
    discipline_provinces: tuple[int, ...] = ()
    current: bool = True  # the post and its unit are active (False: kept for the liaison rule)
    title: str = ""  # the post's title (我的党建联系点 names it beside each unit)
    post_active: bool = True  # the post itself is active (its unit may not be)
    # The provinces in which the person filed (``FiledIn``; the same on every row): where
    # their own filings are read (``visible``, ``find``'s second lookup), no query more.
    filed_provinces: tuple[int, ...] = ()


def sees_everything(user) -> bool:
    """Admins, leaders and the supervisor see the whole organization (DESIGN.md)."""
    return roles.has_role(user, roles.ADMIN, roles.LEADER, roles.SUPERVISOR)


def _held_posts(user) -> tuple[HeldPost, ...]:
    """The posts ``user`` holds, or files for today as a deputy the holder named: one query.
    Those that are not active or whose unit is not (``current`` False) are read only for the
    liaison rule, which asks who holds a unit's liaison post whatever the post's state."""
    today = timezone.localdate()
    deputising = Deputy.objects.filter(person=user, started__lte=today).filter(
        Q(ended__isnull=True) | Q(ended__gte=today)
    )
    held = Post.objects.filter(holder=user).order_by().values("pk")

    def theirs():
        # Their posts as one list of ids (a UNION of two index probes), not an OR of the two:
        # PostgreSQL estimates such an OR at half of all posts, costs the per-row subqueries
        # at that, and at province scale compiles the query with JIT to return a row or two
        # (250 ms at 20,000 units instead of half a millisecond).
        return held.union(deputising.values("post_id").order_by())

    # The liaison rows of those posts, "post:province,…", read once in the same query: a
    # subquery that names no outer row (PostgreSQL runs it once; on Citus it is planned
    # apart, on the shards holding the liaisons). A liaison lives in its unit's province
    # and its post may lie in another (core.province_keys.CROSSING): it is looked up by
    # the post's id, never joined to the post row by row. No province is named, on
    # purpose: the liaison lies in its unit's, which is what this read finds out
    # (``post_province`` is the post's, not the liaison's shard): a multi-shard read of a
    # small table, once a request (docs/scale.md 5, item 8).
    liaisons = Liaison.objects.filter(post__in=theirs(), ended__isnull=True)
    liaisons = _as_one_text(liaisons, "ended", Concat(*_joined_ids("post_id", "province_id")))
    # The provinces they filed in (a report submitted, a notice issued: ``FiledIn``, a table
    # of the coordinator on Citus, as the people are), read once in the same query: where
    # ``visible`` and ``find`` read the rows they filed (docs/scale.md 5).
    filed = _as_one_text(FiledIn.objects.filter(person=user.pk), "person", "province")
    disciplines = _as_one_text(Unit.objects.filter(kind=UnitKind.DISCIPLINE_GROUP), "kind", "province")
    rows = (
        Post.objects.filter(pk__in=theirs())
        # Read in the same query: the liaison rows of their posts (我的党建联系点: the units
        # each post oversees now, by province; the same text on every row), and for a 党组's
        # secretary post the provinces of the 纪检监察组 (a subquery PostgreSQL runs once,
        # and only for such a post).
        .annotate(
            liaison_in=Subquery(liaisons),
            discipline_in=Case(
                When(kind=PostKind.SECRETARY, unit__kind=UnitKind.LEADING_GROUP, then=Subquery(disciplines)),
                default=Value(None),
            ),
            filed_in=Subquery(filed),
        )
        .values_list(
            "pk",
            "unit_id",
            "unit__path",
            "unit__numchild",
            "holder_id",
            "kind",
            "unit__kind",
            "liaison_in",
            "unit__province_id",
            "discipline_in",
            "active",
            "unit__active",
            "title",
            "filed_in",
        )
        .order_by("unit__path", "pk")
    )
    rows = list(rows)
    overseen = _liaison_provinces(rows[0][7] if rows else None)  # the same text on every row
    filed_in = provinces.ids(rows[0][13] if rows else None)  # the same on every row too
    return tuple(
        HeldPost(
            post_id=p,
            unit_id=u,
            unit_path=path,
            leaf=not n,
            holder=h == user.pk,
            kind=k,
            unit_kind=uk,
            liaison=p in overseen,
            province_id=pr,
            liaison_provinces=overseen.get(p, ()),
            discipline_provinces=provinces.ids(di),
            current=active and unit_active,
            title=title,
            post_active=active,
            filed_provinces=filed_in,
        )
        for p, u, path, n, h, k, uk, _li, pr, di, active, unit_active, title, _fi in rows
    )


def _as_one_text(rows: QuerySet, same: str, column) -> QuerySet:
    """``rows``' distinct ``column`` as one text (``provinces.IdList``), a subquery of one
    row to read inside another query: ``same`` is a column equal on every row (the
    group of one)."""
    return rows.order_by().values(same).annotate(ids=provinces.IdList(column)).values("ids")


def _liaison_provinces(text: str | None) -> dict[int, tuple[int, ...]]:
    """``_held_posts``' text of liaison rows, ``"post:province,…"``, as post id → the
    provinces of the units whose liaison post it is now (sorted)."""
    found: dict[int, set[int]] = {}
    for pair in (text or "").split(","):
        if pair:
            post, province = pair.split(":")
            found.setdefault(int(post), set()).add(int(province))
    return {post: tuple(sorted(those)) for post, those in found.items()}


def _top_paths(paths) -> tuple[str, ...]:
    """The paths no other path of ``paths`` lies above: the roots of their subtrees."""
    tops: list[str] = []
    for path in sorted(paths):  # an ancestor's path sorts before its descendants'
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    return tuple(tops)


class Access:
    """What one signed-in person may see and act for. Made by ``access_for`` once per
    request; every answer below is read from it without another query, except the
    querysets, which are lazy."""

    def __init__(self, user):
        self.user = user
        self.signed_in = bool(getattr(user, "is_authenticated", False))
        self.everything = self.signed_in and sees_everything(user)

    @cached_property
    def held(self) -> tuple[HeldPost, ...]:
        """The active posts they hold in active units, or deputise for. Read only when a
        rule needs it: a leader's page that only asks what they see costs no query here."""
        return tuple(h for h in self._posts if h.current)

    @cached_property
    def _posts(self) -> tuple[HeldPost, ...]:
        return _held_posts(self.user) if self.signed_in else ()

    # -- the units in which they hold a post ------------------------------------------

    @cached_property
    def held_unit_ids(self) -> frozenset[int]:
        return frozenset(h.unit_id for h in self.held)

    @cached_property
    def carried_post_ids(self) -> frozenset[int]:
        """The posts whose reports they write: held, or deputised for today."""
        return frozenset(h.post_id for h in self.held)

    # -- the units they see ----------------------------------------------------------

    @cached_property
    def province_ids(self) -> tuple[int, ...]:
        """The provinces of their held units (core.provinces): every unit their posts let
        them see lies in one of these, so a scope query names them (docs/scale.md 5)."""
        return tuple(sorted({h.province_id for h in self.held if h.province_id is not None}))

    @cached_property
    def liaison_post_ids(self) -> tuple[int, ...]:
        """The posts they hold (not deputise for) that are some unit's liaison post now,
        whatever the post's state (the liaison rule): read with their posts, no query. A
        leader's liaison rows are then read by these ids within the provinces of the units
        they oversee (``liaison_review_units``), never joined to the post: the two may lie
        in two provinces (core.province_keys.CROSSING)."""
        return tuple(sorted(h.post_id for h in self._posts if h.holder and h.liaison))

    @cached_property
    def review_province_ids(self) -> tuple[int, ...]:
        """The provinces of the reports they may review (``reviewable_q``), named in its SQL
        so that a queue is read on those shards only (docs/scale.md 5). Read with their
        posts; an admin's are every root, one small query when first asked:

        - an admin reviews the branches of the whole installation: every root;
        - a leader, the units whose liaison post they hold: those units' provinces;
        - a 党组书记, the members of their 党组 and every 纪检监察组: theirs and each
          纪检监察组's (a root of its own: responsibilities migration 0005)."""
        found: set[int] = set()
        if roles.is_admin(self.user):
            found.update(self.root_province_ids)
        elif roles.has_role(self.user, roles.LEADER):
            found.update(p for h in self._posts if h.holder for p in h.liaison_provinces)
        for h in self.held:
            if h.holder and h.kind == PostKind.SECRETARY and h.unit_kind == UnitKind.LEADING_GROUP:
                found.update((h.province_id, *h.discipline_provinces))
        return tuple(sorted(p for p in found if p is not None))

    @cached_property
    def root_province_ids(self) -> tuple[int, ...]:
        """Every province of the installation (its roots): one small query when first asked."""
        return tuple(sorted(children_of(None).values_list("province_id", flat=True)))

    def read_province_q(self, field: str = "") -> Q:
        """A Q naming the provinces in which they may read a row (``field`` prefixes the
        row's ``province``), so that a lookup by id alone — a report's page, a review: the
        URL names no province — is read on those shards only (docs/scale.md 5):

        - those who see everything: every root — the list when already read (an admin's
          review queue reads it), else the roots as a subquery in the same query (units are
          a reference table on Citus), no query more;
        - a post holder: the provinces of their posts (what they see lies there) and of the
          reports they review (a 党组书记's 纪检监察组), read with their posts.

        An outgoing holder's own filings elsewhere are ``find``'s second step."""
        name = f"{field}province__in"
        if self.everything:
            if "root_province_ids" in self.__dict__:
                return Q(**{name: self.root_province_ids})
            return Q(**{name: children_of(None).values("province_id")})
        return Q(**{name: sorted({*self.province_ids, *self.review_province_ids})})

    @cached_property
    def filed_province_ids(self) -> tuple[int, ...]:
        """The provinces in which they submitted a report or issued a notice (``FiledIn``):
        where ``visible`` and ``find`` read a row they filed. Read with their posts; for one
        who holds none, one small query, only when asked."""
        if not self.signed_in:
            return ()
        if self._posts:
            return self._posts[0].filed_provinces
        return tuple(sorted(FiledIn.objects.filter(person=self.user.pk).values_list("province_id", flat=True)))

    @cached_property
    def top_paths(self) -> tuple[str, ...]:
        """The roots of what a post holder sees: each held unit not under another."""
        return _top_paths(h.unit_path for h in self.held)

    @cached_property
    def _leaf_only_ids(self) -> frozenset[int] | None:
        """When every top unit is a leaf, what they see is exactly those units' ids (no
        subquery needed); None otherwise."""
        tops = set(self.top_paths)
        held_tops = [h for h in self.held if h.unit_path in tops]
        if all(h.leaf for h in held_tops):
            return frozenset(h.unit_id for h in held_tops)
        return None

    @property
    def sees_any(self) -> bool:
        return self.everything or bool(self.held)

    def sees_path(self, path: str) -> bool:
        if self.everything:
            return True
        return any(path.startswith(top) for top in self.top_paths)


def access_for(user) -> Access:
    """The person's access, made on first use in a request and kept on the user object."""
    cached = getattr(user, "_mingze_access", None)
    if cached is None:
        cached = user._mingze_access = Access(user)
    return cached


# ---------------------------------------------------------------------------------------
# Subtrees: the one way to say "this unit and every unit under it"


def in_subtree(root: Unit | None, field: str = "unit") -> Q:
    """A Q keeping rows whose ``field`` (a unit) lies in ``root``'s subtree, ``root``
    included; every row for None (the whole organization). ``field=""`` filters units
    themselves. Materialized path: one ``LIKE 'xxxx%'``, never a query per node."""
    if root is None:
        return Q()
    return Q(**{_lookup(field, "path__startswith"): root.path})


def exactly(unit: Unit, field: str = "unit") -> Q:
    """A Q keeping the rows of ``unit`` itself (its own reports, not its subtree's)."""
    return Q(**{_lookup(field, "path"): unit.path})


def children_of(root: Unit | None) -> QuerySet:
    """The units one level below ``root`` (the tree's roots for None), in tree order."""
    if root is None:
        return Unit.objects.filter(depth=1).order_by("path")
    return Unit.objects.filter(in_subtree(root, ""), depth=root.depth + 1).order_by("path")


def subtree_ids(root: Unit):
    """The ids of ``root``'s subtree for a ``<fk>__in`` filter: the root's id alone for a
    leaf, else a subquery (no extra round trip either way)."""
    if not root.numchild:
        return [root.pk]
    return Unit.objects.filter(in_subtree(root, "")).values("pk")


def _lookup(field: str, suffix: str) -> str:
    return f"{field}__{suffix}" if field else suffix


# ---------------------------------------------------------------------------------------
# Seeing


def visible_units(user) -> QuerySet:
    """Every unit ``user`` may see, in tree order."""
    return Unit.objects.filter(unit_q(user, "")).order_by("path")


def top_units(user) -> list[Unit]:
    """The units at the top of what ``user`` sees: the tree's roots for those who see
    everything, else each held unit that is not under another one. One query."""
    access = access_for(user)
    if access.everything:
        return list(children_of(None))
    if not access.top_paths:
        return []
    return list(Unit.objects.filter(path__in=access.top_paths).order_by("path"))


def top_depth_over(user, unit: Unit) -> int:
    """The depth of the highest unit above (or at) ``unit`` that ``user`` sees: where their
    breadcrumb starts. 1 for those who see everything."""
    access = access_for(user)
    if access.everything:
        return 1
    tops = [top for top in access.top_paths if unit.path.startswith(top)]
    return len(tops[0]) // Unit.steplen if tops else unit.depth


def may_see_unit(user, unit: Unit | None) -> bool:
    """Whether ``user`` may see ``unit`` and what hangs off it; None stands for the whole
    organization (an export of everything), which only those who see everything cover."""
    access = access_for(user)
    if unit is None:
        return access.everything
    return access.sees_path(unit.path)


covers = may_see_unit  # an export (or any subtree-wide read) of ``unit``'s subtree


def sees_whole(user, unit: Unit | None, model) -> bool:
    """Whether ``visible(user, <rows of model>)`` keeps every row of ``unit``'s subtree
    (None: the whole organization): they cover it (``covers``) and no restriction narrows
    the model for them (a grant only adds rows, and for a post holder those of a subtree
    they cover are theirs already). A count of such a subtree's rows may then be read from
    what counts the subtree whole — the report tally (docs/scale.md 4) — rather than from
    the rows."""
    return covers(user, unit) and not _restrictions(access_for(user), model)


def may_see_anything(user) -> bool:
    """Whether unit-scoped pages (dashboard, lists) are for ``user`` at all."""
    return access_for(user).sees_any


def people_who_see_anything() -> QuerySet:
    """The active people for whom ``may_see_anything`` holds, as one query: the roles that
    see everything and every holder of an active post in an active unit (who reads an
    organization-wide notice such as a 公示)."""
    from django.contrib.auth import get_user_model

    everything = Q(groups__name__in=[roles.ADMIN, roles.LEADER, roles.SUPERVISOR])
    holds = Q(posts__active=True, posts__unit__active=True)
    return get_user_model().objects.filter(everything | holds, is_active=True).distinct()


def unit_q(user, field: str = "unit") -> Q:
    """A Q on a model whose ``field`` is a unit (``"unit"``, ``"report__unit"``,
    ``"unit_score__unit"``; ``""`` for units themselves) keeping the units ``user`` sees.

    For those who see everything it is ``Q()``, which keeps every row when combined with
    ``&`` but *replaces* the other side of an ``|``: to widen it with another grant, pass
    that grant to ``visible`` as ``also``."""
    access = access_for(user)
    if not access.signed_in:
        return Q(pk__in=[])
    if access.everything:
        return Q()
    grants = _grants(access, field)
    if not grants:
        return Q(pk__in=[])
    q = grants[0]
    for more in grants[1:]:
        q |= more
    return q


def visible(user, qs: QuerySet, field: str = "unit", *, also: Q | None = None) -> QuerySet:
    """``qs`` limited to the rows ``user`` may see: the units of their scope (or the rows
    ``also`` names, or the model's ``filed_by_q``: the reports one submitted, the notices
    one issued oneself), less what a restriction keeps
    from them. Reports, evidence, scores, rectifications, notices, appraisal items,
    exports and anything else that hangs off a unit go through here."""
    access = access_for(user)
    scope = unit_q(user, field)
    if access.signed_in and not access.everything:
        if access.province_ids and issubclass(qs.model, provinces.ProvinceKeyed):
            # The units of their posts lie in these provinces: named in the query, a
            # province-keyed table is read on their shards only (docs/scale.md 5).
            scope &= Q(province__in=access.province_ids)
        if also is not None:
            scope |= also
        filed = _filed_within(access, qs.model)
        if filed is not None:
            scope |= filed
    qs = qs.filter(scope).filter(_restrictions(access, qs.model))
    if access.signed_in and not access.everything:
        # The scope reads the unit through ``field``: a keyed row on the way (an evidence's
        # report) is joined within the row's province (co-located on Citus, docs/scale.md 5).
        qs = qs.filter(_joined_on_the_way(qs.model, field))
    return qs


def _joined_on_the_way(model, field: str) -> Q:
    """``provinces.joined`` for the keyed rows between ``model`` and the unit ``field``
    names (``report`` of ``"report__unit"``); ``Q()`` when there are none."""
    if not issubclass(model, provinces.ProvinceKeyed):
        return Q()
    paths, steps = [], []
    for part in field.split("__")[:-1]:
        model = model._meta.get_field(part).related_model
        steps.append(part)
        if issubclass(model, provinces.ProvinceKeyed):
            paths.append("__".join(steps))
    return provinces.joined(*paths)


# ``find``'s ``also``: a Q naming the rows a post holder may read outside their posts'
# provinces *and the provinces they lie in* (``province__in``: read from what grants them,
# or ``every_root``), so that the second lookup is read on those shards only; or a callable
# making that Q (None: nothing to ask), called only when the second lookup is asked — a
# grant whose provinces take a query (the rounds one rates in) costs it only then.
Also = Q | Callable[[], Q | None] | None


def find(user, qs: QuerySet, pk, *, also: Also = None):
    """The row ``pk`` of ``qs`` (a province-keyed table) looked up by id within the provinces
    in which ``user`` may read (``Access.read_province_q``): on Citus those shards only.
    ``DoesNotExist`` when it is not there — exactly as for a row they may not see, which the
    caller still checks. ``find_all`` of one id: the second lookup is its."""
    pk = qs.model._meta.pk.to_python(pk)
    found = find_all(user, qs, [pk], also=also)
    if pk not in found:
        raise qs.model.DoesNotExist
    return found[pk]


def find_all(user, qs: QuerySet, pks, *, also: Also = None) -> dict:
    """``find`` for many ids at once (a page's links): id → row, for those found. Within
    the provinces in which ``user`` may read first. The ids not found there, for a post
    holder, second (one query more, only then): a row they filed (``_filer_grant``: an
    outgoing holder's own reports after handing the post on, a notice one issued) may lie
    in a province where they hold no post now, asked within the provinces they filed in
    (``Access.filed_province_ids``); ``also`` names the other rows a post holder may read
    outside their posts' provinces (a round they rate in, whatever posts they hold; a 公示
    of another organization) with the provinces they lie in, asked by id in that second
    lookup. Those who see everything read in every province: no second lookup."""
    access = access_for(user)
    wanted = sorted({pk for pk in pks if pk is not None})
    found = {}
    if wanted and (access.everything or access.province_ids or access.review_province_ids):
        found = {row.pk: row for row in qs.filter(access.read_province_q(), provinces.by_ids(wanted))}
    missing = [pk for pk in wanted if pk not in found]
    second = None if access.everything or not missing else _second_lookup(access, qs.model, also)
    if second is not None:
        found.update((row.pk, row) for row in qs.filter(second, provinces.by_ids(missing)))
    return found


def _second_lookup(access: Access, model, also: Also) -> Q | None:
    """What ``find`` asks second, by id, outside the reader's provinces: their own filings
    (``_filed_within``) within the provinces they filed in, and ``also`` (made now when it
    is a callable), either or both; None when there is nothing to ask."""
    if not access.signed_in:
        return None
    filed = _filed_within(access, model)
    if callable(also):
        also = also()
    if filed is None or also is None:
        return filed if also is None else also
    return filed | also


def _filed_within(access: Access, model) -> Q | None:
    """``_filer_grant`` within the provinces the person filed in (``FiledIn``, read with
    their posts), so that the rows they filed are read on those shards only (docs/scale.md
    5): an outgoing holder's own reports, a notice one issued. None when they filed
    nothing — a row is filed in its province, noted there (``core.provinces.note_filed``)."""
    filed = _filer_grant(access, model)
    if filed is None or not issubclass(model, provinces.ProvinceKeyed):
        return filed
    within = access.filed_province_ids
    return filed & Q(province__in=within) if within else None


def every_root(field: str = "") -> Q:
    """A Q naming every province of the installation (``field`` prefixes the row's
    ``province``): the roots as a subquery of the unit table, a reference table on Citus,
    no query more. For ``find``'s ``also`` when the rows it grants may lie in any province
    and nothing it grants through names theirs (a 公示 of another organization): read on
    every shard, as for those who see everything, and only when asked second."""
    return Q(**{f"{field}province__in": children_of(None).values("province_id")})


def find_or_404(user, qs: QuerySet, pk, *, also: Also = None):
    """``find`` of the row ``pk`` taken from a URL or a form: 404 when ``pk`` is no id or
    the row is not found — the same answer as for a row ``user`` may not know of."""
    try:
        return find(user, qs, pk_or_404(pk), also=also)
    except qs.model.DoesNotExist:
        raise Http404 from None


def _filer_grant(access: Access, model) -> Q | None:
    """An outgoing post holder keeps read access to what they filed (交接, issue 12), and
    an issuer to the 督办 notices they issued: the rows a model's ``filed_by_q`` names as
    theirs."""
    filed_by = getattr(model, "filed_by_q", None)
    return filed_by(access.user.pk) if filed_by else None


def may_see_filed(user, unit: Unit | None, filer_id: int | None) -> bool:
    """``may_see_unit``, or the row is one ``user`` filed (an outgoing holder's own)."""
    if may_see_unit(user, unit):
        return True
    return getattr(user, "is_authenticated", False) and filer_id is not None and filer_id == user.pk


def _grants(access: Access, field: str) -> list[Q]:
    """What widens a post holder's view: the subtrees of their held units. Later grants
    (an outgoing holder's own filings) are added to this list."""
    if not access.top_paths:
        return []
    if access._leaf_only_ids is not None:
        # A branch secretary: an ``IN`` on the foreign key, no join to the unit table.
        return [Q(**{f"{field}__in" if field else "pk__in": sorted(access._leaf_only_ids)})]
    return [Q(**{_lookup(field, "path__startswith"): top}) for top in access.top_paths]


def _restrictions(access: Access, model) -> Q:
    """What narrows anyone's view of rows of ``model``, leaders and admins included:

    - files marked 内部 or 涉密 (a model names its mark in ``ACCESS_MARKING_FIELD``; the
      纪检监察组's 问题线索处置台账 and the like): only the 纪检监察组's post holders and the
      党组书记 see them (DESIGN.md, "Who sees what"; speech 一、三 监督责任).

    The 谈心谈话 notes (only the people in the talk and the unit's secretary) join here."""
    field = getattr(model, "ACCESS_MARKING_FIELD", None)
    if field and not sees_marked_files(access.user):
        return Q(**{field: ""})
    return Q()


def sees_marked_files(user) -> bool:
    """The 纪检监察组's post holders and the 党组书记 (the holder of a 党组's secretary
    post): who sees files marked 内部 or 涉密."""
    held = access_for(user).held
    return any(h.holder and h.unit_kind == UnitKind.DISCIPLINE_GROUP for h in held) or any(
        h.holder and h.kind == PostKind.SECRETARY and h.unit_kind == UnitKind.LEADING_GROUP for h in held
    )


def may_see_marked(user, marking: str) -> bool:
    """Whether ``user`` may see one row marked ``marking`` (``""``: not marked)."""
    return not marking or sees_marked_files(user)


# ---------------------------------------------------------------------------------------
# Acting


def held_unit_ids(user) -> frozenset[int]:
    """The units in which ``user`` holds a post now."""
    return access_for(user).held_unit_ids


def holds_post_in(user, unit_id: int | None) -> bool:
    return unit_id is not None and unit_id in access_for(user).held_unit_ids


def may_act_for(user, unit_id: int | None) -> bool:
    """File, reply, report done for a unit: a holder of a post in that very unit (书记抓,
    一、三). Seeing a subtree gives no right to act in it."""
    return holds_post_in(user, unit_id)


def holds_liaison_post(user) -> bool:
    """Whether ``user`` holds (not deputises for) a post that is some unit's liaison post
    now: read from the posts held, no query of its own."""
    return any(h.holder and h.liaison for h in access_for(user).held)


def review_province_ids(user) -> tuple[int, ...]:
    """The provinces in which ``user`` reviews reports (``Access.review_province_ids``)."""
    return access_for(user).review_province_ids


def province_ids(user) -> tuple[int, ...]:
    """The provinces of the units in which ``user`` holds (or deputises for) a post: what a
    query of their own rows names so that it is read on their shards only (docs/scale.md 5).
    Read with their posts, no query of its own."""
    return access_for(user).province_ids


def carried_post_ids(user) -> frozenset[int]:
    """The posts whose duties ``user`` carries now: those they hold and those whose holder
    named them deputy for today."""
    return access_for(user).carried_post_ids


def may_file(user, post_id: int | None) -> bool:
    """Write and submit a report: the holder of the post that carries it, or a deputy the
    holder named, within their dates (一、二: each 班子成员 carries their own duties). The
    unit's other post holders read it; seeing it gives no right to write it."""
    return post_id is not None and post_id in access_for(user).carried_post_ids


def may_answer(user, *, unit_id: int | None, post_id: int | None = None) -> bool:
    """Give the feedback (回执) on a 交办 task: for a task given to a post, that post's
    holder (or the deputy they named); for one given to a unit, a holder of a post in it.
    The rest of the scope reads it."""
    if post_id is not None:
        return may_file(user, post_id)
    return may_act_for(user, unit_id)


def acting_units(user) -> QuerySet:
    """The units ``user`` acts for, in tree order (the secretary's own units)."""
    return Unit.objects.filter(pk__in=sorted(held_unit_ids(user))).order_by("path")


# ---------------------------------------------------------------------------------------
# Judging


def may_judge(user, *, unit_id: int | None, submitted_by_id: int | None = None) -> bool:
    """The rule under every review, approval, return, reopening, waiver, verification and
    closing: no one judges anything of a unit in which they hold a post, or anything they
    submitted — admins included (DESIGN.md, "Who sees what"). Who may judge at all (an
    admin, the liaison leader, the issuer…) is the caller's rule on top of this one."""
    if not getattr(user, "is_authenticated", False):
        return False
    if holds_post_in(user, unit_id):
        return False
    return submitted_by_id is None or submitted_by_id != user.pk


def judge_refusal(user, *, unit: Unit, submitted_by_id: int | None = None) -> str:
    """Why ``may_judge`` says no, in words for the person (a page's note, a 403's reason);
    "" when it says yes."""
    if holds_post_in(user, unit.pk):
        return _("You hold a post in %(unit)s, so someone else decides on its reports and items.") % {
            "unit": unit.label
        }
    if submitted_by_id is not None and submitted_by_id == user.pk:
        return _("You submitted this yourself, so someone else decides on it.")
    return ""


def not_judged_by(user, qs: QuerySet, *, field: str = "unit", submitted_by: str | None = None) -> QuerySet:
    """``qs`` without what ``user`` may not judge (``may_judge`` for a whole queue).

    The held posts are asked inside the same SQL, so a queue or a badge costs no extra
    query for it: as ``NOT IN`` (a hashed list of the few units held, checked per row)
    rather than a correlated ``NOT EXISTS``, which PostgreSQL may turn into an anti-join
    that scans every report instead of walking the reviewer's units by index (issue 15:
    the review queue's badge on every leader page). A post always has a unit, so both
    say the same."""
    holds = Post.objects.filter(holder=user.pk, active=True).values("unit_id")
    qs = qs.exclude(**{f"{field}__in": holds})
    if submitted_by:
        qs = qs.exclude(**{submitted_by: user.pk})
    return qs


# ---------------------------------------------------------------------------------------
# Who reviews whom (speech 一、二 and 一、三; DESIGN.md, "Who may do what")
#
# - a branch's (and the 机关党委's) reports: the current holder of the unit's liaison post
#   (党建联系点), or an admin;
# - the 一岗双责 reports of a 党组's members: the 党组书记 (第一责任人 "亲自过问");
# - the reports of the 党组 as a body and of its 书记: 审议 at a recorded 党组会议, which the
#   admin enters; no one grades them alone, the admin included;
# - the 纪检监察组's reports: 审议 by the 党组书记, and by its own superior body outside
#   Mingze (recorded as an outside review);
# - no one reviews a report they carry, or submitted.


class Track:
    LIAISON = "liaison"
    PARTY_SECRETARY = "party_secretary"
    MEETING = "meeting"


def review_track(*, unit_kind: str, post_kind: str) -> str:
    """Who reviews a report of a ``unit_kind`` unit carried by a ``post_kind`` post."""
    if unit_kind == UnitKind.LEADING_GROUP:
        return Track.PARTY_SECRETARY if post_kind in MEMBER_KINDS else Track.MEETING
    if unit_kind == UnitKind.DISCIPLINE_GROUP:
        return Track.PARTY_SECRETARY
    return Track.LIAISON


def report_track(report) -> str:
    return review_track(unit_kind=report.unit.kind, post_kind=report.assignment.post.kind)


def current_liaisons() -> QuerySet:
    """The liaison rows in force. A liaison lives with the unit it oversees (its province
    is the unit's), while its post may lie in another organization's tree — the form offers
    every 党组 and 党委 post for every unit, and a unit moved under another root keeps its
    liaison (core.province_keys.CROSSING) — so a liaison is never joined to its post
    within one province: that would drop such a leader's units."""
    return Liaison.objects.filter(ended__isnull=True)


def my_liaisons(user) -> list[Liaison]:
    """The liaison rows (党建联系点) whose post ``user`` holds now, of open units, with their
    unit: the units that person oversees today, each with ``post_title``, its post's.

    Never a join of the liaison to its post: the two may lie in two provinces
    (core.province_keys.CROSSING). Their active liaison posts and the provinces of the
    units those oversee come with the person's posts (no query more); the liaison rows are
    read by those post ids within those provinces — on Citus those shards only."""
    posts = {h.post_id: h for h in access_for(user)._posts if h.holder and h.liaison and h.post_active}
    if not posts:
        return []
    overseen = sorted({p for h in posts.values() for p in h.liaison_provinces})
    rows = list(
        current_liaisons()
        .filter(post_id__in=sorted(posts), province__in=overseen, unit__active=True)
        .select_related("unit")
        .order_by("unit__path", "-pk")
    )
    for row in rows:
        row.post_title = posts[row.post_id].title
    return rows


def liaison_q(user, field: str = "unit") -> Q:
    """A Q keeping rows whose unit (``field``; ``""`` for units) has ``user`` as the holder
    of its current liaison post: the SQL is an ``EXISTS``, no extra round trip."""
    # Their posts as a subquery that names no outer row, not a join of each liaison to its
    # post: the two may lie in two provinces (core.province_keys.CROSSING), and on Citus
    # such a subquery is planned apart (the posts by holder), then the liaisons within the
    # unit's province.
    theirs = Post.objects.filter(holder=user.pk).order_by().values("pk")
    mine = current_liaisons().filter(post__in=theirs)
    return Q(Exists(mine.filter(_beside(field), unit=OuterRef(field or "pk"))))


def liaison_post(field: str = "unit", column: str = "post_id") -> Subquery:
    """The id of the current liaison post of the unit ``field`` (an annotation; NULL when it
    has none) — or, ``column="post_province_id"``, that post's province: the liaison row
    read within the outer row's province, the newest should there be two (``Unit.liaison``).
    Its holder is read apart, by the post ids within those posts' provinces
    (``liaison_holders``): the post may lie in another province (core.province_keys.
    CROSSING), so it is not joined to the liaison row by row."""
    current = current_liaisons().filter(_beside(field), unit=OuterRef(field or "pk"))
    return Subquery(current.order_by("-pk").values(column)[:1])


def liaison_holders(posts) -> dict[int, int | None]:
    """Post id → the id of who holds it (None: vacant), for the liaison posts a nightly job
    read with ``liaison_post``, given as (post id, its province) pairs: one query, by the
    posts' ids within their provinces (on Citus, those provinces' shards)."""
    pairs = {(pk, province) for pk, province in posts if pk is not None}
    if not pairs:
        return {}
    within = sorted({province for _pk, province in pairs})
    rows = Post.objects.filter(province__in=within, pk__in=sorted(pk for pk, _province in pairs))
    return dict(rows.values_list("pk", "holder_id"))


def _beside(field: str) -> Q:
    """``provinces.beside`` for a subquery correlated on the unit ``field`` of an outer row:
    the outer row's own province (a report's for ``"unit"``; a unit's own for ``""``, the
    root it lies under, which its liaison rows carry too)."""
    return provinces.beside(field.rpartition("__")[0] + "__" if "__" in field else "")


def with_liaisons(units):
    """Fill ``unit.liaison`` for every unit of ``units`` in one query; returns them.

    The liaison rows are read by unit within the units' provinces, and their posts by id
    within the posts' provinces (each liaison row carries its post's, ``post_province``) in
    the same query (``Unit.liaison``'s way for one unit): never a join of the liaison to
    its post, which may lie in another province (core.province_keys.CROSSING). Which unit
    each post oversees comes in the same query too, as one text read once (a subquery
    naming no outer row), ``"unit:liaison:post,…"``."""
    units = list(units)
    if not units:
        return units
    rows = current_liaisons().filter(
        unit__in=[u.pk for u in units], province__in=sorted({u.province_id for u in units})
    )
    links = (
        rows.order_by()
        .values("ended")
        .annotate(ids=provinces.IdList(Concat(*_joined_ids("unit_id", "pk", "post_id"))))
        .values("ids")
    )
    posts = list(
        Post.objects.filter(
            pk__in=rows.order_by().values("post_id"), province__in=rows.order_by().values("post_province")
        )
        .annotate(links=Subquery(links))
        .select_related("holder")
    )
    by_id = {post.pk: post for post in posts}
    newest: dict[int, tuple[int, int]] = {}  # unit → (liaison, post): the newest should there be two
    for triple in (posts[0].links or "").split(",") if posts else ():
        unit_id, liaison_id, post_id = (int(part) for part in triple.split(":"))
        if unit_id not in newest or liaison_id > newest[unit_id][0]:
            newest[unit_id] = (liaison_id, post_id)
    for unit in units:
        post = by_id.get(newest[unit.pk][1]) if unit.pk in newest else None
        unit._liaison = post.holder if post else None
    return units


def _joined_ids(*fields: str) -> list:
    """``Concat``'s parts for ``"a:b:c"`` of integer columns (``IdList`` reads them)."""
    parts: list = []
    for field in fields:
        parts += [Value(":"), Cast(field, CharField())] if parts else [Cast(field, CharField())]
    return parts


def is_liaison_of(user, unit: Unit) -> bool:
    """Whether ``user`` holds ``unit``'s liaison post now."""
    return getattr(user, "is_authenticated", False) and unit.liaison is not None and unit.liaison.pk == user.pk


def party_secretary_unit_ids(user) -> frozenset[int]:
    """The 党组 of which ``user`` is the 书记 (holds the secretary post)."""
    return frozenset(
        h.unit_id
        for h in access_for(user).held
        if h.holder and h.kind == PostKind.SECRETARY and h.unit_kind == UnitKind.LEADING_GROUP
    )


def party_secretaries() -> QuerySet:
    """The holders' posts of the 党组书记 seats (who reviews the members' and the
    纪检监察组's reports)."""
    return Post.objects.filter(
        kind=PostKind.SECRETARY, unit__kind=UnitKind.LEADING_GROUP, active=True, holder__isnull=False
    )


def may_review_as(user, report) -> bool:
    """The reviewer's seat for ``report``, before the rule against judging one's own."""
    if not getattr(user, "is_authenticated", False):
        return False
    track = report_track(report)
    if track == Track.LIAISON:
        return roles.is_admin(user) or (roles.has_role(user, roles.LEADER) and is_liaison_of(user, report.unit))
    if track == Track.PARTY_SECRETARY:
        mine = party_secretary_unit_ids(user)
        return bool(mine) and (report.unit.kind == UnitKind.DISCIPLINE_GROUP or report.unit_id in mine)
    return False  # 审议 at a 党组会议, recorded by the admin


def may_judge_report(user, report, *, submitted_by_id: int | None) -> bool:
    """``may_judge`` for a report: nor a report one carries. The 党组书记 judges the
    members' 一岗双责 reports of their own 党组, the one case in which holding a post in
    the unit does not bar it (一、二: the 书记 亲自过问)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if report.assignment.post_id in access_for(user).carried_post_ids:
        return False
    if report_track(report) == Track.PARTY_SECRETARY and report.unit_id in party_secretary_unit_ids(user):
        return submitted_by_id is None or submitted_by_id != user.pk
    return may_judge(user, unit_id=report.unit_id, submitted_by_id=submitted_by_id)


def reviewers_of(report) -> list:
    """Who is told a report waits for them (its reviewers under the rules above)."""
    track = report_track(report)
    if track == Track.LIAISON:
        return [report.unit.liaison] if report.unit.liaison else []
    if track == Track.PARTY_SECRETARY:
        return [post.holder for post in party_secretaries().select_related("holder")]
    return []


def liaison_review_units(user) -> QuerySet:
    """The units whose reports a leader reviews, decided per unit rather than per report
    (issue 15: the 待审核 badge on every leader page): the units whose current liaison post
    ``user`` holds, but no 党组 or 纪检监察组 (their reports go to the 党组书记 or a
    党组会议) and none in which ``user`` holds an active post (no one judges their own
    unit's reports, ``may_judge``). A subquery of unit ids: no query of its own.

    Two reads, no join along a key that may cross provinces (core.province_keys.CROSSING:
    the liaison row is the unit's, in the unit's province, while its post may lie in
    another): their posts first, with the liaison posts among them and the provinces of
    the units those oversee (``Access.liaison_post_ids``, ``review_province_ids``: the
    one query of the person's posts, already read on the page), then the liaison rows of
    those post ids within those provinces. On Citus the second is a read of those
    provinces' shards, each on its own."""
    holds = Post.objects.filter(provinces.beside(), holder=user.pk, active=True, unit=OuterRef("unit"))
    access = access_for(user)
    return (
        current_liaisons()
        .filter(post_id__in=access.liaison_post_ids, province__in=access.review_province_ids)
        .exclude(unit__kind__in=[UnitKind.LEADING_GROUP, UnitKind.DISCIPLINE_GROUP])
        .exclude(Exists(holds))
        # A deputy acts for the unit of the post they carry (``may_act_for``) and so judges
        # none of its reports (``may_judge``): the unit is left out whole, as the report
        # page refuses each of them. Read with the posts they hold, no query of its own.
        .exclude(unit_id__in=sorted(access.held_unit_ids))
        .order_by()
        .values("unit_id")
    )


def review_units_only(user) -> QuerySet | None:
    """The units ``user`` reviews, as a subquery of unit ids, when their reviewer's seat is
    a leader's alone (``liaison_review_units``); None when it reaches further (an admin:
    every branch; a 党组书记: their 党组 and the 纪检监察组), or nowhere. Lets a list of
    units ask each of those units alone (the queue's unit choices)."""
    if not access_for(user).signed_in or roles.is_admin(user) or party_secretary_unit_ids(user):
        return None
    return liaison_review_units(user) if roles.has_role(user, roles.LEADER) else None


def reviewable_q(user, field: str = "") -> Q | None:
    """A Q on reports keeping those ``user`` may review (``may_review_as`` and
    ``may_judge_report`` for a queue); None when they review nothing. ``field`` prefixes
    the report (``"report__"``).

    A leader's part names their units (``liaison_review_units``: the liaison units, less
    those in which they hold a post), so the reports are read unit by unit from the queue's
    index with nothing joined per report; then the exceptions, each per report but
    without a join: the reports of the posts they carry (a deputy's, among the units
    they oversee: a list of assignments hashed once) and those they submitted."""
    access = access_for(user)
    if not access.signed_in:
        return None
    unit, post = f"{field}unit", f"{field}assignment__post"
    holds = _holds_post_beside(user, field)
    parts = []
    if roles.is_admin(user):
        parts.append(_none_of(_not_liaison_reviewed(user, access, field)))
    elif roles.has_role(user, roles.LEADER):
        parts.append(Q(**{f"{unit}_id__in": liaison_review_units(user)}))
    mine = party_secretary_unit_ids(user)
    if mine:
        parts.append(
            Q(
                **{
                    f"{unit}__kind": UnitKind.LEADING_GROUP,
                    f"{unit}_id__in": sorted(mine),
                    f"{post}__kind__in": MEMBER_KINDS,
                }
            )
            | (Q(**{f"{unit}__kind": UnitKind.DISCIPLINE_GROUP}) & ~Q(Exists(holds)))
        )
    named = access.review_province_ids
    if not parts or not named:
        return None
    q = parts[0]
    for more in parts[1:]:
        q |= more
    q &= _none_of(_never_own(user, access, field))
    # The assignment and post a part reads are joined within the report's province
    # (co-located on Citus, docs/scale.md 5); a queue that reads neither joins neither.
    if mine:
        q &= provinces.joined("assignment", "assignment__post", row=field)
    # The provinces they review in, named: on Citus the queue and the badge are read on
    # those shards only (docs/scale.md 5).
    return q & Q(**{f"{field}province__in": named})


def _holds_post_beside(user, field: str = "") -> QuerySet:
    """``user``'s active posts in the report's unit (``field`` prefixes the report), within
    its province: an ``EXISTS`` correlated with the report."""
    return Post.objects.filter(provinces.beside(field), unit=OuterRef(f"{field}unit"), holder=user.pk, active=True)


def _not_liaison_reviewed(user, access: Access, field: str = "") -> list[Q]:
    """The reports an admin does not review although they review every branch: those of a
    党组 or a 纪检监察组 (the 党组书记's or a 党组会议's, 一、二 and 一、三), of a unit in
    which they hold an active post, and of a unit they act for as a deputy
    (``liaison_review_units``)."""
    unit = f"{field}unit"
    return [
        Q(**{f"{unit}__kind__in": [UnitKind.LEADING_GROUP, UnitKind.DISCIPLINE_GROUP]}),
        Q(Exists(_holds_post_beside(user, field))),
        Q(**{f"{unit}_id__in": sorted(access.held_unit_ids)}),
    ]


def _never_own(user, access: Access, field: str = "") -> list[Q]:
    """The reports no reviewer judges as their own (``may_judge_report``): those of the
    posts they carry and those they submitted."""
    own = []
    carried = sorted(access.carried_post_ids)
    if carried:
        # The assignments of the posts they carry, as a list the database hashes once and
        # checks each report's assignment against: no assignment joined per report.
        named = access.review_province_ids
        theirs = Assignment.objects.filter(post_id__in=carried, province__in=named).order_by().values("pk")
        own.append(Q(**{f"{field}assignment_id__in": theirs}))
    return [*own, Q(**{f"{field}responsible": user.pk})]


def _none_of(parts: list[Q]) -> Q:
    """The rows none of ``parts`` keeps. Each negation is the exact complement of its part
    (Django's ``~`` keeps a row whose column is empty), so the rows kept and the rows of
    the parts add up to all of them: what ``reviewable_less`` counts on."""
    q = Q()
    for part in parts:
        q &= ~part
    return q


def reviewable_less(user) -> tuple[tuple[int, ...], list[Q]] | None:
    """``reviewable_q`` as "every report of these provinces, less the reports these Qs
    keep" when the person's reviewing reaches that far: an admin who is no 党组书记 reviews
    the branches of the whole installation, so what they review is every report of every
    root (``review_province_ids``) less a few — the 党组's and the 纪检监察组's, their own
    units' and posts', their own submissions (``_not_liaison_reviewed``, ``_never_own``).
    A count of the queue may then read the provinces' number where it is kept (the report
    tally) and count only the reports left out, row by row (docs/scale.md 4: the admin's
    queue over 1,500,000 reports). The same Qs make ``reviewable_q``'s answer, so the two
    cannot drift apart. None for anyone else: a leader's or a 党组书记's reports lie in a
    few units, counted as rows."""
    access = access_for(user)
    if not access.signed_in or not roles.is_admin(user) or party_secretary_unit_ids(user):
        return None
    named = access.review_province_ids
    if not named:
        return None
    return named, [*_not_liaison_reviewed(user, access), *_never_own(user, access)]


# ---------------------------------------------------------------------------------------
# Links: the checks each app registers with ``core.links`` are written on these answers


def unit_links_open(user, targets: list[dict], key: str = "pk") -> list[bool]:
    """A ``core.links`` check for pages of a unit (the unit's page, its dashboard)."""
    return links.pks_in(visible(user, Unit.objects.all(), ""), targets, key)


# ---------------------------------------------------------------------------------------
# Work records (履责纪实, issue 13)
#
# - Who records: the holders of a post in the unit, and a deputy a holder named (a 党务干事)
#   within their dates — the same people who act for the unit (``may_act_for``: 书记抓,
#   一、三; 向党支部延伸, 一、二). Seeing a subtree gives no right to record in it.
# - Who reads: whoever sees the unit (``visible``): the unit's post holders and those above,
#   leaders, admins and the supervisor. A draft is still the recorder's: only those who may
#   record for its unit see it until it is recorded.
# - 谈心谈话 notes: only the people in the talk and the unit's secretary (DESIGN.md, "Who
#   sees what"); everyone who reads the record sees who, when and the topic.


def may_record_work(user, unit_id: int | None) -> bool:
    """Enter, complete and record a work record of the unit ``unit_id``."""
    return holds_post_in(user, unit_id)


def recording_units(user) -> QuerySet:
    """The units for which ``user`` may enter records, in tree order."""
    return acting_units(user)


def work_records_visible(user, qs: QuerySet) -> QuerySet:
    """``qs`` (work records) limited to those ``user`` may read: the units they see, and of
    those the drafts only of the units they record for."""
    held = sorted(held_unit_ids(user))
    return visible(user, qs).filter(Q(state="recorded") | Q(unit_id__in=held))


def may_see_work_record(user, record) -> bool:
    if not may_see_unit(user, record.unit):
        return False
    return record.state == "recorded" or may_record_work(user, record.unit_id)


def is_unit_secretary(user, unit_id: int | None) -> bool:
    """Whether ``user`` holds (not deputises) the secretary post of the unit ``unit_id``."""
    return any(h.holder and h.kind == PostKind.SECRETARY and h.unit_id == unit_id for h in access_for(user).held)


def may_read_talk_notes(user, record, participant_ids=None) -> bool:
    """The notes of a 谈心谈话: only the people in the talk and the unit's secretary — not
    the leaders, admins or the supervisor, who see who, when and the topic (only a talk's
    form offers notes). ``participant_ids`` spares the query when the caller has the participants already."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_unit_secretary(user, record.unit_id):
        return True
    if participant_ids is None:
        participant_ids = set(record.participants.values_list("pk", flat=True))
    return user.pk in participant_ids
