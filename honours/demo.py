"""Demo: last year's honours conferred (so they show on the units' pages), and this year's
round in its 公示, drawn from the closed half-year's ranking."""

from __future__ import annotations

import contextlib
import datetime

from django.utils import timezone

from accounts import roles
from accounts.models import User
from core.demo import DemoOutcome
from core.errors import TransitionError
from responsibilities.models import Unit, UnitKind

from . import services
from .models import HonourKind, HonourRound

KINDS = [HonourKind.ADVANCED_BRANCH, HonourKind.PARTY_WORKER, HonourKind.PARTY_MEMBER]


def _admin():
    return User.objects.filter(groups__name=roles.ADMIN, is_active=True).order_by("pk").first()


def _last_year(admin, year: int) -> None:
    if HonourRound.objects.filter(year=year - 1).exists():
        return
    round = services.create_round(year=year - 1, title=f"{year - 1}年度评先评优", kinds=KINDS, actor=admin)
    # No result of that year to draw from: the branch below is added by hand.
    with contextlib.suppress(TransitionError):
        services.draw_nominations(round_id=round.pk, actor=admin)
    branch = Unit.objects.filter(kind=UnitKind.BRANCH, active=True).order_by("path").first()
    if branch is not None and not round.nominations.filter(kind=HonourKind.ADVANCED_BRANCH).exists():
        services.add_nomination(
            round_id=round.pk,
            actor=admin,
            kind=HonourKind.ADVANCED_BRANCH,
            unit_id=branch.pk,
            person_id=None,
            reason="全年两个半年度得分均列支部前三名，党员活动记录完整",
        )
    if not round.nominations.exists():
        return
    # Decided on 20 January after a week's 公示; loaded before that day (1–19 January) the
    # decision is dated today and its 公示 the week before: a decision is never dated in
    # the future (``services.decide``).
    decided_on = min(datetime.date(year, 1, 20), timezone.localdate())
    ends_on = decided_on - datetime.timedelta(days=6)
    services.publicize(round_id=round.pk, actor=admin, starts_on=ends_on - datetime.timedelta(days=6), ends_on=ends_on)
    services.decide(round_id=round.pk, actor=admin, decided_on=decided_on, document_number=f"机党发〔{year}〕3号")


def _this_year(admin, year: int) -> None:
    if HonourRound.objects.filter(year=year).exists():
        return
    round = services.create_round(year=year, title=f"{year}年度评先评优", kinds=KINDS[:2], actor=admin)
    try:
        services.draw_nominations(round_id=round.pk, actor=admin)
    except TransitionError:
        return  # nothing scored this year yet: the round waits for its nominations
    today = timezone.localdate()
    services.publicize(round_id=round.pk, actor=admin, starts_on=today, ends_on=today + datetime.timedelta(days=6))


def demo_step(*, year: int) -> DemoOutcome | None:
    admin = _admin()
    if admin is None:
        return None
    _last_year(admin, year)
    _this_year(admin, year)
    return DemoOutcome(summary="评先评优: last year's honours conferred, this year's nominations on public notice")
