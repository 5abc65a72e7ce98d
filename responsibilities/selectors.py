"""Reads of the responsibility model that views, tasks and commands share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from core import provinces
from core.errors import TransitionError
from core.selectors import filter_given

from . import access
from .models import Assignment, Category, Checklist, Duty, Liaison, Post, PostKind, Unit, UnitKind


def current_checklist() -> Checklist | None:
    """This year's checklist if there is one, else the newest published, else the newest."""
    year = timezone.localdate().year
    return (
        Checklist.objects.filter(year=year).first()
        or Checklist.objects.filter(status=Checklist.Status.PUBLISHED).order_by("-year").first()
        or Checklist.objects.order_by("-year").first()
    )


def units_overseen(user) -> list[Unit]:
    return list(Unit.objects.filter(access.liaison_q(user, ""), active=True).order_by("path"))


def duties_with_carriers(checklist: Checklist, *, category=None, responsibility=None, cadence=None):
    """The checklist's duties, each with the assignments that carry it (谁来抓), in 4 queries."""
    duties = checklist.duties.select_related("category").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(active=True)
            .select_related("unit", "post__holder")
            .order_by("unit__path"),
        )
    )
    if category:
        duties = duties.filter(category=category)
    if responsibility:
        duties = duties.filter(responsibility=responsibility)
    if cadence:
        duties = duties.filter(cadence=cadence)
    return duties.order_by("category__order", "code")


@dataclass
class Matrix:
    units: list[Unit]
    categories: list[Category]
    counts: dict[tuple[int, int], int]

    def rows(self):
        for unit in self.units:
            yield unit, [(category, self.counts.get((unit.pk, category.pk), 0)) for category in self.categories]


def responsibility_matrix(checklist: Checklist) -> Matrix:
    """Units × categories with the number of active assignments in each cell: 3 queries."""
    counts = {
        (row["unit_id"], row["duty__category_id"]): row["n"]
        for row in Assignment.objects.filter(duty__checklist=checklist, active=True)
        .values("unit_id", "duty__category_id")
        .annotate(n=Count("id"))
    }
    return Matrix(
        units=list(Unit.objects.filter(active=True).order_by("path")),
        categories=list(Category.objects.order_by("order")),
        counts=counts,
    )


def assignments(*, checklist: Checklist, unit=None, category=None, units=None):
    qs = (
        Assignment.objects.filter(duty__checklist=checklist)
        .filter(provinces.joined("post"))  # its post within its province (docs/scale.md 5)
        .select_related("duty__category", "unit", "post__holder")
    )
    qs = filter_given(qs, unit=unit, unit__in=units, duty__category=category)
    return qs.order_by("unit__path", "duty__category__order", "duty__code")


def units_with_posts() -> list[Unit]:
    """The whole tree with each unit's posts and holders and its liaison leader: 3 queries.
    The liaison's post is read by its id within its province, not joined to the liaison
    row: it may lie in another province (core.province_keys.CROSSING; ``access.with_liaisons``)."""
    units = Unit.objects.order_by("path").prefetch_related(
        Prefetch("posts", queryset=Post.objects.select_related("holder").order_by("kind", "title")),
    )
    return access.with_liaisons(units)


def setup_tasks() -> dict:
    """What an admin still has to set up: units without a secretary, duties nobody carries."""
    held_secretary = Post.objects.filter(
        unit=OuterRef("pk"), kind=PostKind.SECRETARY, holder__isnull=False, active=True
    )
    units_without_secretary = list(
        Unit.objects.filter(active=True)
        .exclude(kind=UnitKind.DISCIPLINE_GROUP)
        .annotate(has_secretary=Exists(held_secretary))
        .filter(has_secretary=False)
        .order_by("path")
    )
    checklist = current_checklist()
    orphan_duties = []
    if checklist is not None:
        orphan_duties = list(
            Duty.objects.filter(checklist=checklist, active=True)
            .annotate(n=Count("assignments", filter=Q(assignments__active=True)))
            .filter(n=0)
            .select_related("category")
            .order_by("code")
        )
    return {
        "checklist": checklist,
        "units_without_secretary": units_without_secretary,
        "orphan_duties": orphan_duties,
    }


def liaison_history() -> list[Unit]:
    """Every active unit but the 党组 with its liaisons, newest first (the current one has
    no end): 3 queries — the units, their liaison rows (within the units' provinces), then
    the posts of those rows by id with their holders and units, within the posts' provinces
    (each liaison row carries its post's, ``post_province``). A liaison's post may lie in
    another province (core.province_keys.CROSSING), so it is read apart, never joined to
    the liaison row: one query more than the join was."""
    units = list(Unit.objects.filter(active=True).exclude(kind=UnitKind.LEADING_GROUP).order_by("path"))
    rows = Liaison.objects.filter(province__in=sorted({u.province_id for u in units})).order_by("-started", "-pk")
    prefetch_related_objects(units, Prefetch("liaisons", queryset=rows))
    liaisons = [row for unit in units for row in unit.liaisons.all()]
    posts = Post.objects.filter(
        province__in=sorted({row.post_province_id for row in liaisons}),
        pk__in=sorted({row.post_id for row in liaisons}),
    )
    by_id = posts.select_related("holder", "unit").in_bulk() if liaisons else {}
    for row in liaisons:
        Liaison.post.field.set_cached_value(row, by_id.get(row.post_id))
    return units


def responsible_people(unit, post: Post | None = None) -> list:
    """Who answers for a unit's item (a rectification, a notice, a 交办 task): the holder
    of its post, else the unit's secretaries, else everyone holding a post there."""
    if post is not None and post.holder_id:
        return [post.holder]
    posts = list(Post.objects.filter(unit=unit, active=True, holder__isnull=False).select_related("holder"))
    secretaries = [p.holder for p in posts if p.kind == PostKind.SECRETARY]
    return secretaries or [p.holder for p in posts]


def organizations():
    """The organizations that run a yearly round of their own — 述职评议 of their branch
    secretaries (一、三: 书记抓、抓书记) and 评先评优 of their branches and members (二、三):
    the roots of the tree (each a province, ``core.provinces``) with an active 党支部 under
    them. A 纪检监察组 on its own track has none and runs no round."""
    branches = Unit.objects.filter(province_id=OuterRef("pk"), kind=UnitKind.BRANCH, active=True)
    return Unit.objects.filter(depth=1, active=True).filter(Exists(branches)).order_by("path")


def sole_organization() -> Unit | None:
    """The organization a round belongs to when there is only one to choose (an organ's
    installation): nobody needs to be asked."""
    found = list(organizations()[:2])
    return found[0] if len(found) == 1 else None


def round_organization(organization: Unit | None = None) -> Unit:
    """The organization a new round belongs to: ``organization`` if it runs rounds, else the
    sole one; refused (``TransitionError``) when there are several and none is chosen."""
    if organization is None:
        organization = sole_organization()
    elif not organizations().filter(pk=organization.pk).exists():
        raise TransitionError(_("That organization runs no round: choose one with Party branches."))
    if organization is None:
        raise TransitionError(_("Choose the organization that runs the round."))
    return organization
