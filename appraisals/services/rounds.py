"""Setting a round up and taking it through open, close and publish; findings."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import provinces
from core.errors import TransitionError
from notifications.services import notify
from responsibilities.models import Post, PostKind, Tenure, Unit, UnitKind
from responsibilities.selectors import round_organization

from .. import permissions, results
from ..models import (
    ANONYMITY_FLOOR,
    AppraisalResult,
    AppraisalRound,
    Appraisee,
    Criterion,
    CriterionResult,
    Finding,
    GradeLevel,
    Rater,
    RaterRole,
)
from ._common import Action, State, appraisee_steps, require, round_steps
from .counting import empty_at_close

# The criteria the issue names, and the usual four-step scale (好/较好/一般/差). An admin
# changes any of them while the round is a draft.
DEFAULT_CRITERIA = [
    (gettext_lazy("Fulfilling the duties of the first responsible person"), Decimal("30")),
    (gettext_lazy("Results of Party building work"), Decimal("30")),
    (gettext_lazy("Conduct and integrity"), Decimal("20")),
    (gettext_lazy("Recognition by the members"), Decimal("20")),
]
# (English words of their own, so that they do not share a translation with the report grades.)
DEFAULT_LEVELS = [
    (gettext_lazy("Strong"), Decimal("100"), Decimal("90")),
    (gettext_lazy("Fairly strong"), Decimal("85"), Decimal("80")),
    (gettext_lazy("Average"), Decimal("70"), Decimal("60")),
    (gettext_lazy("Weak"), Decimal("50"), Decimal("0")),
]


# ---------------------------------------------------------------------------------------
# Setting a round up


def secretary_posts(organization: Unit | None = None):
    """Every held 党支部书记 post (of ``organization``'s tree, when given): who is appraised by
    default (书记抓、抓书记, 一、三)."""
    posts = Post.objects.filter(
        kind=PostKind.SECRETARY, active=True, unit__kind=UnitKind.BRANCH, unit__active=True, holder__isnull=False
    )
    if organization is not None:
        posts = posts.filter(province=organization.pk)
    return posts.select_related("unit", "holder")


# A secretary is appraised for a year they served most of; one who served less is noted,
# not rated (a secretary of 10 months is appraised, one who arrived last week is not).
MIN_DAYS_SERVED = 183


def tenures_in_year(year: int, organization: Unit | None = None) -> tuple[list[Tenure], list[Tenure]]:
    """The 党支部书记 tenures that overlap ``year``, split into (appraised, noted) by the
    days served in it; each tenure carries ``days_served``. Whoever held the post for most
    of the year is appraised, even after handing it on (交接)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    # Only ``organization``'s tree, when given.
    within = Tenure.objects.all() if organization is None else Tenure.objects.filter(province=organization.pk)
    tenures = (
        within.filter(
            post__kind=PostKind.SECRETARY, post__active=True, post__unit__kind=UnitKind.BRANCH, post__unit__active=True
        )
        .annotate(after_another=Exists(Tenure.objects.filter(post=OuterRef("post"), started__lt=OuterRef("started"))))
        # A post's first recorded tenure began before Mingze knew of it: it counts as held
        # from the year's start; a successor's from the day they took over.
        .filter(Q(started__lte=end) | Q(after_another=False))
        .exclude(ended__lt=start)
        .select_related("post__unit", "person")
        .order_by("post__unit__path", "started")
    )
    appraised, noted = [], []
    for tenure in tenures:
        last = min(tenure.ended or end, end)
        first = start if not tenure.after_another else max(tenure.started, start)
        tenure.days_served = (last - first).days + 1
        (appraised if tenure.days_served >= MIN_DAYS_SERVED else noted).append(tenure)
    return appraised, noted


def default_raters(
    *,
    sample_size: int,
    exclude: Iterable[int] = (),
    rng: random.Random | None = None,
    organization: Unit | None = None,
) -> dict:
    """Raters by role: holders of posts in the leading Party group, in the organ Party
    committee, and ``sample_size`` branch secretaries drawn at random — of
    ``organization``'s tree when given. A person is in one role only, the first that fits."""
    held = Post.objects.filter(active=True, unit__active=True, holder__isnull=False)
    if organization is not None:
        held = held.filter(province=organization.pk)
    taken: set[int] = set(exclude)
    chosen: dict[str, list[int]] = {}
    for role, kind in ((RaterRole.LEADERSHIP, UnitKind.LEADING_GROUP), (RaterRole.COMMITTEE, UnitKind.ORGAN_COMMITTEE)):
        people = sorted(set(held.filter(unit__kind=kind).values_list("holder_id", flat=True)) - taken)
        chosen[role] = people
        taken |= set(people)
    peers = sorted(set(secretary_posts(organization).values_list("holder_id", flat=True)) - taken)
    rng = rng or random.SystemRandom()
    chosen[RaterRole.PEER] = sorted(rng.sample(peers, min(sample_size, len(peers))))
    return chosen


@transaction.atomic
def create_round(
    *,
    year: int,
    actor,
    title: str = "",
    rng: random.Random | None = None,
    organization: Unit | None = None,
    **settings,
) -> AppraisalRound:
    """A draft round of ``organization`` (the root whose secretaries it appraises; the only
    one when the installation has one, ``responsibilities.selectors.organizations``) for
    ``year`` with the default criteria and scale, every secretary of its tree appraised and
    its default raters; refused when the organization already has a round for ``year``."""
    require(permissions.can_manage(actor))
    organization = round_organization(organization)
    if AppraisalRound.objects.filter(province=organization.pk, organization=organization, year=year).exists():
        raise TransitionError(_("There is already an appraisal round for %(year)s.") % {"year": year})
    round = AppraisalRound.objects.create(
        organization=organization,
        year=year,
        title=title or _("Appraisal of branch secretaries %(year)s") % {"year": year},
        created_by=actor,
        **settings,
    )
    Criterion.objects.bulk_create(
        Criterion(round=round, name=str(name), weight=weight, order=n)
        for n, (name, weight) in enumerate(DEFAULT_CRITERIA, start=1)
    )
    GradeLevel.objects.bulk_create(
        GradeLevel(round=round, name=str(name), points=points, min_score=threshold)
        for name, points, threshold in DEFAULT_LEVELS
    )
    appraised, _noted = tenures_in_year(year, organization)
    seen: set[int] = set()
    chosen = [t for t in appraised if not (t.person_id in seen or seen.add(t.person_id))]
    _set_participants(
        round,
        posts=[t.post for t in chosen],
        people={t.post_id: t.person_id for t in chosen},
        raters=default_raters(sample_size=round.peer_sample_size, rng=rng, organization=organization),
    )
    round_steps.record(round, actor=actor, action=Action.CREATE)
    return round


def _set_participants(
    round: AppraisalRound,
    *,
    posts: Iterable[Post],
    raters: Mapping[str, Iterable[int]],
    people: Mapping[int, int] | None = None,
) -> None:
    """``people``: who is appraised for each post, when not its holder now (a secretary
    who served most of the year and handed the post on). The old rows are deleted within
    the round's province (a draft's: nothing points at them yet)."""
    provinces.delete_within(Appraisee.objects.filter(round=round), round.province_id)
    provinces.delete_within(Rater.objects.filter(round=round), round.province_id)
    people = people or {}
    Appraisee.objects.bulk_create(
        Appraisee(round=round, person_id=people.get(p.pk, p.holder_id), post=p, unit_id=p.unit_id) for p in posts
    )
    seen: set[int] = set()
    rows = []
    for role in RaterRole.values:
        for person_id in raters.get(role, ()):
            if person_id not in seen:
                seen.add(person_id)
                rows.append(Rater(round=round, person_id=person_id, role=role))
    Rater.objects.bulk_create(rows)


FROZEN = gettext_lazy(
    "The raters, the secretaries appraised, the criteria and the grade scale are fixed once the round "
    "has opened; they can no longer be changed."
)


def _refuse_unless_draft(round: AppraisalRound) -> None:
    """Once a round opens, who rates (and in which role), who is appraised, the criteria
    and the scale are frozen — for everyone, the admin included: re-cutting a role after
    ballots came in could single a voter out (appraisals.anonymity)."""
    if round.state != State.DRAFT:
        raise TransitionError(str(FROZEN))


@transaction.atomic
def set_participants(
    *,
    round_id: int,
    actor,
    posts: Iterable[Post],
    raters: Mapping[str, Iterable[int]],
    province_id: int | None = None,
):
    """Replace who is appraised and who rates, while the round is a draft. ``province_id``,
    here and in the other steps on a round: the round's, when the page read it (the lock
    names it, so the step is one shard's: docs/scale.md 5)."""
    require(permissions.can_manage(actor))
    round = round_steps.lock(round_id, province=province_id)
    _refuse_unless_draft(round)
    round_steps.expect(round, State.DRAFT)
    posts = list(posts)
    if any(post.province_id != round.province_id for post in posts):
        raise TransitionError(_("Only secretaries of the organization that runs the round can be appraised."))
    _set_participants(round, posts=posts, raters=raters)
    round_steps.record(round, actor=actor, action=Action.CONFIGURE, comment=_("Participants"))
    return round


@transaction.atomic
def configure_round(
    *,
    round_id: int,
    actor,
    settings: Mapping,
    criteria: list[Mapping],
    levels: list[Mapping],
    province_id: int | None = None,
) -> AppraisalRound:
    """Replace the round's settings, criteria and grade scale while it is a draft (no ballot
    can exist yet, so nothing that was rated is lost)."""
    require(permissions.can_manage(actor))
    round = round_steps.lock(round_id, province=province_id)
    _refuse_unless_draft(round)
    round_steps.expect(round, State.DRAFT)
    for name, value in settings.items():
        setattr(round, name, value)
    round.full_clean(exclude=["created_by"])
    round.save()
    # Within the round's province (a draft's: no ballot or result points at them yet).
    provinces.delete_within(Criterion.objects.filter(round=round), round.province_id)
    provinces.delete_within(GradeLevel.objects.filter(round=round), round.province_id)
    Criterion.objects.bulk_create(Criterion(round=round, order=n, **row) for n, row in enumerate(criteria, start=1))
    GradeLevel.objects.bulk_create(GradeLevel(round=round, **row) for row in levels)
    round_steps.record(round, actor=actor, action=Action.CONFIGURE)
    return round


def problems(round: AppraisalRound) -> list[str]:
    """What stops ``round`` from opening, in words for the admin; empty when it may open."""
    found = []
    own = {"province": round.province_id}  # a round's rows live in its province (docs/scale.md 5)
    criteria = list(round.criteria.filter(**own))
    levels = list(round.levels.filter(**own))
    if not criteria:
        found.append(_("Add at least one criterion."))
    if len(levels) < 2:
        found.append(_("The grade scale needs at least two grades."))
    elif not any(level.min_score == 0 for level in levels):
        found.append(_("The lowest grade must start at an overall score of 0, so that every score has a grade."))
    if not round.appraisees.filter(**own).exists():
        found.append(_("Nobody is appraised: choose the secretaries."))
    counts = dict.fromkeys(RaterRole.values, 0)
    for role in round.raters.filter(**own).values_list("role", flat=True):
        counts[role] += 1
    weights = round.role_weights()
    for role, n in counts.items():
        label = RaterRole(role).label
        if n and n < ANONYMITY_FLOOR:
            found.append(
                _("“%(role)s” has %(n)s raters; a role needs at least %(floor)s so that no ballot points to a person.")
                % {"role": label, "n": n, "floor": ANONYMITY_FLOOR}
            )
        if n and weights[role] <= 0:
            found.append(_("“%(role)s” has raters but no weight.") % {"role": label})
    if sum(counts.values()) < round.min_valid_ballots:
        found.append(
            _("There are fewer raters (%(n)s) than the minimum of valid ballots (%(min)s).")
            % {"n": sum(counts.values()), "min": round.min_valid_ballots}
        )
    return found


def _open_url(round):
    return reverse("appraisals:my_appraisal")


@transaction.atomic
def open_round(*, round_id: int, actor, province_id: int | None = None) -> AppraisalRound:
    """Draft → open, once nothing in ``problems`` stands in the way; tells the secretaries
    to write their reports and the raters to rate."""
    require(permissions.can_manage(actor))
    round = round_steps.lock(round_id, province=province_id)
    round_steps.expect(round, State.DRAFT)
    found = problems(round)
    if found:
        raise TransitionError(" ".join(found))
    round.opened_at = timezone.now()
    round_steps.move(round, State.OPEN, actor=actor, action=Action.OPEN, fields=["opened_at"])
    appraisees = [a.person for a in round.appraisees.filter(province=round.province_id).select_related("person")]
    raters = [r.person for r in round.raters.filter(province=round.province_id).select_related("person")]
    url = _open_url(round)
    notify(
        recipients=appraisees,
        kind="appraisal_report",
        template="appraisal_report_due",
        context={"round": round},
        url=url,
    )
    notify(recipients=raters, kind="appraisal_rate", template="appraisal_rate_due", context={"round": round}, url=url)
    return round


@transaction.atomic
def close_round(*, round_id: int, actor, province_id: int | None = None) -> AppraisalRound:
    """Open → closed: voting ends and every secretary's result is computed and stored."""
    require(permissions.can_manage(actor))
    round = round_steps.lock(round_id, province=province_id)
    round_steps.expect(round, State.OPEN)
    round.closed_at = timezone.now()
    round_steps.move(round, State.CLOSED, actor=actor, action=Action.CLOSE, fields=["closed_at"])
    empty_at_close(round)  # every sheet still sealed in the box is counted (appraisals.anonymity)
    store_results(round)
    return round


def store_results(round: AppraisalRound) -> None:
    """(Re)compute the round's results from its ballots and store them. The old ones (and
    their per-criterion results) are deleted within the round's province, named by the
    round's secretaries as a subquery: nothing joined, one shard's statements on Citus."""
    province = round.province_id
    appraised = round.appraisees.filter(province=province).order_by().values("pk")
    old = AppraisalResult.objects.filter(appraisee__in=appraised, province=province).order_by().values("pk")
    provinces.delete_within(CriterionResult.objects.filter(result__in=old), province)
    provinces.delete_within(AppraisalResult.objects.filter(appraisee__in=appraised), province)
    outcomes = results.compute(round)
    stored = AppraisalResult.objects.bulk_create(
        AppraisalResult(
            appraisee_id=o.appraisee_id,
            score=o.score,
            grade=o.grade,
            valid_ballots=o.valid,
            invalid_ballots=o.invalid,
            enough_ballots=o.enough,
            rank=o.rank,
        )
        for o in outcomes
    )
    by_appraisee = {r.appraisee_id: r for r in stored}
    CriterionResult.objects.bulk_create(
        CriterionResult(result=by_appraisee[o.appraisee_id], criterion_id=pk, score=score)
        for o in outcomes
        for pk, score in o.criteria.items()
    )


@transaction.atomic
def publish_round(*, round_id: int, actor, province_id: int | None = None) -> AppraisalRound:
    """Closed → published: each secretary may now see their own result; they are told."""
    require(permissions.can_manage(actor))
    round = round_steps.lock(round_id, province=province_id)
    round_steps.expect(round, State.CLOSED)
    round.published_at = timezone.now()
    round_steps.move(round, State.PUBLISHED, actor=actor, action=Action.PUBLISH, fields=["published_at"])
    for appraisee in round.appraisees.filter(province=round.province_id).select_related("person"):
        notify(
            recipients=[appraisee.person],
            kind="appraisal_published",
            template="appraisal_published",
            context={"round": round},
            url=reverse("appraisals:result", args=[appraisee.pk]),
        )
    return round


# ---------------------------------------------------------------------------------------
# Findings


@transaction.atomic
def add_finding(*, appraisee_id: int, actor, text: str, province_id: int | None = None) -> Finding:
    """Record a problem found in a secretary's appraisal once the round is closed; next
    year's report must answer it. The secretary is told."""
    text = (text or "").strip()
    if not text:
        raise TransitionError(_("Describe the problem found."))
    appraisee = appraisee_steps.lock(appraisee_id, province=province_id)
    require(permissions.can_add_finding(actor, appraisee))
    finding = Finding.objects.create(appraisee=appraisee, text=text, raised_by=actor)
    round_steps.record(appraisee.round, actor=actor, appraisee=appraisee, action=Action.FINDING, comment=text)
    notify(
        recipients=[appraisee.person],
        kind="appraisal_finding",
        template="appraisal_finding",
        context={"round": appraisee.round, "finding": finding},
        url=reverse("appraisals:result", args=[appraisee.pk]),
    )
    return finding
