"""Demo 述职评议: last year's round published with results and findings, this year's open.

Called from ``responsibilities.demo.load_demo`` after the organization exists. Idempotent:
a round of a year is made only when that year has none, so a second run changes nothing.
Two more 机关党委 members are added so that every rater role has the three raters a round
needs to open (fewer would let a ballot point to a person).
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import roles
from core.demo import DemoOutcome
from responsibilities.demo import DemoPerson, demo_person, demo_post
from responsibilities.models import PostKind, Unit

from . import services
from .models import AppraisalRound, Appraisee, Rater

PEOPLE = [
    DemoPerson("weiyuan1", "钱伟", roles.SECRETARY, "机关党委委员 · 述职评议评议人"),
    DemoPerson("weiyuan2", "孙燕", roles.SECRETARY, "机关党委委员 · 述职评议评议人"),
]
REPORT = "本年度认真履行党支部书记第一责任人职责，按期召开支部委员会和党员大会，落实“三会一课”，组织专题学习 12 次。"
FINDINGS = {
    "ZB01": "组织生活会会前谈心谈话不充分，会议记录不完整。",
    "ZB03": "“三会一课”台账更新不及时，部分佐证材料缺失。",
}


def _rater_marks(round: AppraisalRound, rater, rng: random.Random) -> tuple[dict, dict]:
    """Plausible marks: mostly the two upper grades; a comment now and then."""
    levels = list(round.levels.order_by("-points").values_list("pk", flat=True))
    criteria = list(round.criteria.values_list("pk", flat=True))
    marks, comments = {}, {}
    for appraisee in round.appraisees.exclude(person=rater):
        marks[appraisee.pk] = {c: rng.choices(levels, weights=[5, 4, 1, 0][: len(levels)])[0] for c in criteria}
        if rng.random() < 0.3:
            comments[appraisee.pk] = rng.choice(
                ["支部工作扎实，台账规范。", "建议加强青年党员教育。", "主题党日形式可更丰富。"]
            )
    return marks, comments


def _vote(round, raters, rng):
    for rater in raters:
        if not services.has_voted(round_id=round.pk, user=rater):
            marks, comments = _rater_marks(round, rater, rng)
            services.cast_ballots(round_id=round.pk, rater=rater, marks=marks, comments=comments)


def load_demo(*, year: int) -> list[DemoPerson]:
    """Make the demo rounds of ``year - 1`` (published) and ``year`` (open)."""
    committee = Unit.objects.get(code="JGDW")
    members = {spec.username: demo_person(spec) for spec in PEOPLE}
    demo_post(committee, PostKind.DEPUTY_SECRETARY, "机关党委副书记", members["weiyuan1"])
    demo_post(committee, PostKind.MEMBER, "机关党委委员", members["weiyuan2"])
    admin = get_user_model().objects.get(username="admin")
    rng = random.Random(year)

    if not AppraisalRound.objects.filter(year=year - 1).exists():
        last = services.create_round(year=year - 1, actor=admin, rng=rng, min_valid_ballots=5)
        services.open_round(round_id=last.pk, actor=admin)
        for appraisee in last.appraisees.select_related("person"):
            services.save_report(appraisee_id=appraisee.pk, actor=appraisee.person, report=REPORT, submit=True)
        _vote(last, [r.person for r in Rater.objects.filter(round=last).select_related("person")], rng)
        services.close_round(round_id=last.pk, actor=admin)
        for appraisee in last.appraisees.select_related("unit"):
            if appraisee.unit.code in FINDINGS:
                services.add_finding(appraisee_id=appraisee.pk, actor=admin, text=FINDINGS[appraisee.unit.code])
        services.publish_round(round_id=last.pk, actor=admin)

    if not AppraisalRound.objects.filter(year=year).exists():
        due = timezone.localdate() + datetime.timedelta(days=21)
        current = services.create_round(year=year, actor=admin, rng=rng, due_on=due)
        services.open_round(round_id=current.pk, actor=admin)
        first = Appraisee.objects.filter(round=current, unit__code="ZB01").select_related("person").first()
        if first is not None:  # a draft begun, so the page shows last year's findings beside it
            services.save_report(appraisee_id=first.pk, actor=first.person, report=REPORT)
        # Two raters have voted already, so the turnout is not zero; the others still can.
        early = [r.person for r in current.raters.filter(person__username__in=["weiyuan2", "zhaoqiang"])]
        _vote(current, early, rng)
    return PEOPLE


def demo_step(*, year: int) -> DemoOutcome:
    """述职评议 to see and act on: last year's round published, this year's open."""
    return DemoOutcome(people=load_demo(year=year))
