"""A round with a known panel: three raters in each role, three appraised secretaries
(A and B of the cast, and C of a third branch), two criteria weighted 60/40, the scale
好 100 / 较好 85 / 一般 70 / 差 50 with thresholds 90 / 80 / 60 / 0, role weights 50/30/20
and at least 3 valid ballots."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import transaction

from accounts import roles
from appraisals import services
from appraisals.models import AppraisalRound, Appraisee, Criterion, GradeLevel
from appraisals.services.counting import empty_at_close
from responsibilities.models import Post, PostKind
from tests.factories import PostFactory, UnitFactory, UserFactory

LEVELS = [("好", 100, 90), ("较好", 85, 80), ("一般", 70, 60), ("差", 50, 0)]


@dataclass
class Panel:
    round: AppraisalRound
    leadership: list
    committee: list
    peers: list
    a: Appraisee
    b: Appraisee
    c: Appraisee
    criteria: list
    levels: dict

    @property
    def raters(self):
        return self.leadership + self.committee + self.peers

    def vote(self, rater, marks: dict, comments: dict | None = None):
        """``marks``: appraisee → list of grade names per criterion (None = left unmarked)."""
        given = {
            appraisee.pk: {c.pk: self.levels[name].pk for c, name in zip(self.criteria, names, strict=False) if name}
            for appraisee, names in marks.items()
        }
        notes = {appraisee.pk: text for appraisee, text in (comments or {}).items()}
        return services.cast_ballots(round_id=self.round.pk, rater=rater, marks=given, comments=notes)

    def count_box(self):
        """Empty the ballot box the way the close does (all sheets, however few): ballots
        exist only once their sheets are counted (appraisals/anonymity.py)."""
        with transaction.atomic():
            return empty_at_close(self.round)

    def refresh(self):
        self.round.refresh_from_db()
        return self.round


def build_panel(cast, *, open_it=True, code="ZBC", everyone=False) -> Panel:
    """The panel above; ``code`` names branch C (so that a test can build two), and with
    ``everyone`` every branch secretary is appraised, not only A, B and C."""
    unit_c = UnitFactory(code=code, name="丙党支部", name_en="Branch C", parent=cast.committee, liaison=cast.leader)
    secretary_c = UserFactory(username=f"sec_{code.lower()}", full_name="丙书记", roles=[roles.SECRETARY])
    PostFactory(unit=unit_c, title="支部书记", held_by=secretary_c)
    leadership = [
        cast.leader,
        cast.other_leader,
        UserFactory(username="lead3", full_name="第三领导", roles=[roles.LEADER]),
    ]
    committee = [UserFactory(username=f"com{n}", full_name=f"委员{n}号", roles=[roles.SECRETARY]) for n in (1, 2, 3)]
    peers = [UserFactory(username=f"peer{n}", full_name=f"同级书记{n}号", roles=[roles.SECRETARY]) for n in (1, 2, 3)]

    made = services.create_round(year=cast.checklist.year, actor=cast.admin)
    services.configure_round(
        round_id=made.pk,
        actor=cast.admin,
        settings={"min_valid_ballots": 3, "leadership_weight": 50, "committee_weight": 30, "peer_weight": 20},
        criteria=[{"name": "履职尽责", "weight": Decimal(60)}, {"name": "工作成效", "weight": Decimal(40)}],
        levels=[{"name": n, "points": Decimal(p), "min_score": Decimal(m)} for n, p, m in LEVELS],
    )
    posts = Post.objects.filter(kind=PostKind.SECRETARY, holder__in=[cast.secretary_a, cast.secretary_b, secretary_c])
    if everyone:
        posts = services.secretary_posts()
    services.set_participants(
        round_id=made.pk,
        actor=cast.admin,
        posts=posts,
        raters={
            "leadership": [u.pk for u in leadership],
            "committee": [u.pk for u in committee],
            "peer": [u.pk for u in peers],
        },
    )
    if open_it:
        services.open_round(round_id=made.pk, actor=cast.admin)
    made.refresh_from_db()
    appraisees = {a.person_id: a for a in made.appraisees.all()}
    return Panel(
        round=made,
        leadership=leadership,
        committee=committee,
        peers=peers,
        a=appraisees[cast.secretary_a.pk],
        b=appraisees[cast.secretary_b.pk],
        c=appraisees[secretary_c.pk],
        criteria=list(Criterion.objects.filter(round=made).order_by("order")),
        levels={level.name: level for level in GradeLevel.objects.filter(round=made)},
    )


@pytest.fixture
def panel(cast) -> Panel:
    return build_panel(cast)


@pytest.fixture
def draft_panel(cast) -> Panel:
    return build_panel(cast, open_it=False)


def vote_hand_example(panel: Panel) -> None:
    """The ballots of the hand computation in test_arithmetic (see there)."""
    L1, L2, L3 = panel.leadership
    C1, C2, C3 = panel.committee
    P1, P2, P3 = panel.peers
    a, b, c = panel.a, panel.b, panel.c
    panel.vote(L1, {a: ["好", "好"], b: ["好", "好"], c: ["好", "好"]})
    panel.vote(L2, {a: ["较好", "好"], b: ["较好", "较好"], c: ["好", "好"]})
    panel.vote(L3, {a: ["好", "好"], c: ["好", "好"]})  # B left blank: an invalid ballot
    panel.vote(C1, {a: ["好", "一般"]}, comments={a: "支部工作扎实"})
    panel.vote(C2, {a: ["好", "一般"], c: ["好", None]})  # a criterion missing for C: invalid
    panel.vote(C3, {a: ["较好", "一般"]}, comments={a: "会议记录需规范"})
    panel.vote(P1, {a: ["一般", "一般"]})
    panel.vote(P2, {a: ["差", "一般"]})
    panel.vote(P3, {a: ["较好", "较好"]}, comments={a: "按期召开组织生活会"})


@pytest.fixture
def draft_panel_other_year(cast):
    """A second round (next year), for ballots that mix rounds up."""
    other = services.create_round(year=cast.checklist.year + 1, actor=cast.admin)
    return Panel(
        round=other,
        leadership=[],
        committee=[],
        peers=[],
        a=None,
        b=None,
        c=None,
        criteria=list(other.criteria.all()),
        levels={"好": other.levels.order_by("-points").first()},
    )
