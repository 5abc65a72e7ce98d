"""Who may see which dashboard, ranking and export: the dashboard's side of the one scope
module (``responsibilities.access``; DESIGN.md, "Who sees what").

- admins, leaders and supervisors: the whole organization, or any subtree of it;
- a post holder: the subtree of any unit in which they hold a post — that unit and every
  unit under it (a branch secretary the branch, the 机关党委's holders its branches);
- the ranking page across units: admins, leaders and supervisors;
- an export holds exactly the subtree of the dashboard it was built from, and is handed
  out to whoever's scope covers that subtree (``access.covers``).
A unit one may not see answers 404; a page one may not use 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from core.permissions import require as require
from responsibilities import access
from responsibilities.models import Unit


@dataclass
class Scope:
    """The part of the tree a page shows: ``root``'s subtree (None: the whole organization).

    ``limited`` marks a post holder's view (no "whole organization" above it; the
    breadcrumb starts at ``floor_depth``, the depth of their own top unit)."""

    root: Unit | None
    # True when the root is the only root: its subtree is every unit, so no filter is needed.
    covers_all: bool = False
    limited: bool = False
    floor_depth: int = 1
    # The default page of those who see everything: the roots and the units right under
    # them, read in the query that found the roots (``tree_units`` takes its rows here).
    upper: list[Unit] | None = None
    # The whole organization's provinces (its roots, read with ``upper``): named in each
    # query so that on Citus it reads those shards (docs/scale.md 5). None: not known here.
    province_ids: tuple[int, ...] | None = None

    @property
    def whole_organization(self) -> bool:
        return self.root is None or self.covers_all

    @property
    def own_line(self) -> bool:
        """A post holder looking at a unit with nothing under it (a branch): the page shows
        that unit's own line, and its place among the units beside it."""
        return self.limited and self.root is not None and not self.root.numchild

    def unit_ids(self):
        """The scope as ``unit_id__in`` for a query on reports or scores that should not join
        units: None for the whole organization (no filter at all), else a list or subquery."""
        return None if self.whole_organization else access.subtree_ids(self.root)

    def province_q(self) -> Q:
        """A Q naming the scope's province on a province-keyed table (docs/scale.md 5: a
        subtree lies in its root's province, so the query is one shard's); for the whole
        organization, which spans its roots' provinces, those provinces (``Q()`` when the
        scope was made without them)."""
        if self.root is not None:
            return Q(province=self.root.province_id)
        return Q() if self.province_ids is None else Q(province__in=self.province_ids)

    def q(self, field: str = "unit", *, exact: bool = False) -> Q:
        """A Q limiting rows of a province-keyed table whose ``field`` is a unit to this
        scope (``exact``: the root's own rows only), its province named."""
        if self.root is not None and exact:
            return access.exactly(self.root, field) & self.province_q()
        return self.province_q() if self.whole_organization else access.in_subtree(self.root, field) & self.province_q()


def can_view_dashboard(user) -> bool:
    return access.may_see_anything(user)


def can_view_ranking(user) -> bool:
    return access.sees_everything(user)


def _unit_or_404(unit_id) -> Unit:
    try:
        return Unit.objects.get(pk=int(unit_id))
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def scope_for(user, unit_id=None) -> Scope:
    """The scope ``user`` asked for with ``unit_id`` (from the URL), or their default one.

    Raises 403 for people who may see no dashboard, 404 for a unit they may not see.
    The default for everyone who sees everything is the whole organization; when the tree
    has a single root (a 党组 over everything) that root stands for it, so the first page
    shows its units rather than one line. A post holder's default is the first of their
    top units (the 机关党委 for its secretary, the branch for a branch secretary).
    """
    require(can_view_dashboard(user))
    if access.sees_everything(user):
        if unit_id in (None, ""):
            # One query for the roots and the units under them: the default page's rows.
            upper = list(Unit.objects.filter(depth__lte=2).order_by("path"))
            roots = [unit for unit in upper if unit.depth == 1]
            provinces = tuple(sorted({unit.province_id for unit in roots}))
            return Scope(
                root=roots[0] if len(roots) == 1 else None, covers_all=True, upper=upper, province_ids=provinces
            )
        roots = list(Unit.objects.get_root_nodes()[:2])
        single = roots[0] if len(roots) == 1 else None
        root = _unit_or_404(unit_id)
        return Scope(root=root, covers_all=single is not None and root.pk == single.pk)
    if unit_id in (None, ""):
        root = access.top_units(user)[0]
    else:
        root = _unit_or_404(unit_id)
        if not access.may_see_unit(user, root):
            raise Http404
    return Scope(root=root, limited=True, floor_depth=access.top_depth_over(user, root))


def can_view_export(user, export) -> bool:
    """An export of a subtree (no unit: the whole organization) to whoever's scope covers
    that subtree: the same people who may open the dashboard it was built from."""
    return access.covers(user, export.unit)
