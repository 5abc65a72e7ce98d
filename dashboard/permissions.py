"""Who may see which dashboard, ranking and export — decided here (DESIGN.md, "Who may do what").

- admins, leaders and supervisors: the whole organization, or any subtree of it;
- a secretary (a post holder without those roles): the units in which they hold a post,
  each on its own — never the units below or beside it, the same rule as
  ``assessments.permissions.reports_visible_to``;
- the ranking page across units: admins, leaders and supervisors;
- an export: whoever may see the dashboard of its period and subtree.
A unit one may not see answers 404; a page one may not use 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from assessments.permissions import _held_unit_ids, sees_everything
from responsibilities.models import Unit


@dataclass
class Scope:
    """The part of the tree a page shows: ``root``'s subtree (None: the whole organization),
    limited to ``only`` unit ids for people who may see only their own units."""

    root: Unit | None
    only: frozenset[int] | None = None
    # True when the root is the only root: its subtree is every unit, so no filter is needed.
    covers_all: bool = False

    @property
    def whole_organization(self) -> bool:
        return self.only is None and (self.root is None or self.covers_all)

    def unit_ids(self):
        """The scope as ``unit_id__in`` for a query on reports or scores that should not join
        units: None for the whole organization (no filter at all), else a subquery or a set."""
        if self.only is not None:
            return self.only
        if self.whole_organization:
            return None
        return Unit.objects.filter(path__startswith=self.root.path).values("id")

    def q(self, prefix: str = "unit__", *, exact: bool = False) -> Q:
        """A Q limiting rows whose ``<prefix>`` is a unit to this scope."""
        q = Q()
        if self.root is not None and (exact or not self.covers_all):
            q &= Q(**{f"{prefix}path": self.root.path}) if exact else Q(**{f"{prefix}path__startswith": self.root.path})
        if self.only is not None:
            q &= Q(**{f"{prefix}id__in": self.only})
        return q


def can_view_dashboard(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return sees_everything(user) or bool(_held_unit_ids(user))


def can_view_ranking(user) -> bool:
    return getattr(user, "is_authenticated", False) and sees_everything(user)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _unit_or_404(unit_id) -> Unit:
    try:
        return Unit.objects.get(pk=int(unit_id))
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def scope_for(user, unit_id=None) -> Scope:
    """The scope ``user`` asked for with ``unit_id`` (from the URL), or their default one.

    Raises 403 for people who may see no dashboard, 404 for a unit they may not know.
    The default for everyone who sees everything is the whole organization; when the tree
    has a single root (a 党组 over everything) that root stands for it, so the first page
    shows its units rather than one line.
    """
    require(can_view_dashboard(user))
    if sees_everything(user):
        roots = list(Unit.objects.get_root_nodes()[:2])
        single = roots[0] if len(roots) == 1 else None
        if unit_id in (None, ""):
            return Scope(root=single, covers_all=True)
        root = _unit_or_404(unit_id)
        return Scope(root=root, covers_all=single is not None and root.pk == single.pk)
    held = frozenset(_held_unit_ids(user))
    if unit_id in (None, ""):
        root = Unit.objects.filter(pk__in=held).order_by("path").first()
    else:
        root = _unit_or_404(unit_id)
        if root.pk not in held:
            raise Http404
    return Scope(root=root, only=frozenset({root.pk}))


def can_view_export(user, export) -> bool:
    """Exports of the whole organization (no unit) to those who see everything; a unit's
    export also to the holders of a post in that unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    if sees_everything(user):
        return True
    return export.unit_id is not None and export.unit_id in _held_unit_ids(user)
