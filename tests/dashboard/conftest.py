"""A small fixed data set whose every dashboard number can be counted by hand.

Period ``cur`` (open, overdue since yesterday, so every unsubmitted report is red):

| unit                 | 政治建设 (c1)          | 思想建设 (c2)       |
|----------------------|------------------------|---------------------|
| 党组 (own)           | submitted              |                     |
| 机关党委 (own)       | approved               |                     |
| 甲党支部 (unit_a)    | approved, submitted    | draft, returned     |
| 乙党支部 (unit_b)    | approved               | locked              |
| 纪检监察组           |                        | draft               |

Totals: 9 reports — approved 3, submitted 2, draft 2, returned 1, locked 1; red 4.
Scores (cur / prev): unit_a 90/85, committee 85/80, unit_b 80/88, discipline 70/75, 党组 82/80.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Half, Period, Report
from oversight.models import Rectification as R
from oversight.models import SupervisionNotice as N
from responsibilities.models import Category
from scoring.models import ScoreLine, UnitScore
from tests.factories import AssignmentFactory, DutyFactory

S = Report.State


@dataclass
class Data:
    cur: Period
    prev: Period
    c1: Category
    c2: Category
    reports: dict


def add_report(*, period, unit, category, state, checklist, n=[0], **extra):  # noqa: B006 - a counter
    n[0] += 1
    post = unit.posts.first()
    duty = DutyFactory(checklist=checklist, category=category, code=f"T-{n[0]:03d}", title=f"测试事项{n[0]}")
    assignment = AssignmentFactory(duty=duty, unit=unit, post=post)
    return Report.objects.create(
        assignment=assignment, period=period, unit=unit, category=category, state=state, **extra
    )


def add_score(period, unit, score, *, subtree=None, reports=0, on_time=0):
    return UnitScore.objects.create(
        period=period,
        unit=unit,
        score=Decimal(score),
        subtree_score=Decimal(subtree if subtree is not None else score),
        reports=reports,
        on_time=on_time,
    )


def make_periods(year):
    today = timezone.localdate()
    prev = Period.objects.create(
        year=year - 1,
        half=Half.SECOND,
        opens_on=today - datetime.timedelta(days=200),
        due_on=today - datetime.timedelta(days=170),
        review_due_on=today - datetime.timedelta(days=150),
        state=Period.State.CLOSED,
    )
    cur = Period.objects.create(
        year=year,
        half=Half.FIRST,
        opens_on=today - datetime.timedelta(days=30),
        due_on=today - datetime.timedelta(days=1),
        review_due_on=today + datetime.timedelta(days=20),
        state=Period.State.OPEN,
    )
    return cur, prev


@pytest.fixture
def data(cast):
    cur, prev = make_periods(cast.checklist.year)
    c1, c2 = list(Category.objects.order_by("order")[:2])
    k = cast.checklist
    r = {}
    r["dz"] = add_report(period=cur, unit=cast.party_group, category=c1, state=S.SUBMITTED, checklist=k)
    r["committee"] = add_report(period=cur, unit=cast.committee, category=c1, state=S.APPROVED, checklist=k)
    r["a_approved"] = add_report(period=cur, unit=cast.unit_a, category=c1, state=S.APPROVED, checklist=k, grade="good")
    r["a_submitted"] = add_report(period=cur, unit=cast.unit_a, category=c1, state=S.SUBMITTED, checklist=k)
    r["a_draft"] = add_report(period=cur, unit=cast.unit_a, category=c2, state=S.DRAFT, checklist=k)
    r["a_returned"] = add_report(
        period=cur, unit=cast.unit_a, category=c2, state=S.RETURNED, checklist=k, review_comment="佐证材料不全"
    )
    r["b_approved"] = add_report(period=cur, unit=cast.unit_b, category=c1, state=S.APPROVED, checklist=k)
    r["b_locked"] = add_report(period=cur, unit=cast.unit_b, category=c2, state=S.LOCKED, checklist=k)
    r["discipline"] = add_report(period=cur, unit=cast.discipline, category=c2, state=S.DRAFT, checklist=k)
    # The previous period: one report, scored.
    add_report(period=prev, unit=cast.unit_a, category=c1, state=S.APPROVED, checklist=k)

    for unit, now, before, reports, on_time in [
        (cast.unit_a, 90, 85, 4, 2),
        (cast.committee, 85, 80, 1, 1),
        (cast.unit_b, 80, 88, 2, 1),
        (cast.discipline, 70, 75, 1, 0),
        (cast.party_group, 82, 80, 1, 1),
    ]:
        score = add_score(cur, unit, now, reports=reports, on_time=on_time)
        add_score(prev, unit, before, reports=2, on_time=1)
        if unit == cast.unit_a:
            ScoreLine.objects.create(
                unit_score=score, kind=ScoreLine.Kind.REPORT, report=r["a_approved"], label="T", points=Decimal(10)
            )
            ScoreLine.objects.create(unit_score=score, kind=ScoreLine.Kind.DEDUCTION, label="迟报", points=Decimal(-2))
            ScoreLine.objects.create(unit_score=score, kind=ScoreLine.Kind.BONUS, label="典型经验", points=Decimal(3))
    return Data(cur=cur, prev=prev, c1=c1, c2=c2, reports=r)


# ---------------------------------------------------------------------------------------
# 整改 and 督办 (issue 14): the items of tests/dashboard/test_follow_up.py's table.


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def items(cast, data):
    y = data.cur.year
    made = {}

    def rect(name, unit, source, state, deadline, closed_at=None):
        made[name] = R.objects.create(
            problem=f"问题{name}",
            measure=f"措施{name}",
            unit=unit,
            deadline=deadline,
            source=source,
            state=state,
            raised_by=cast.admin,
            closed_at=closed_at,
        )

    def notice(name, unit, state, deadline, closed_at=None):
        made[name] = N.objects.create(
            year=y,
            number=int(name[1:]),
            unit=unit,
            subject=f"督办{name}",
            body="请按期办理",
            deadline=deadline,
            state=state,
            issued_by=cast.leader,
            closed_at=closed_at,
        )

    S = R.Source
    rect("r1", cast.unit_a, S.INSPECTION, R.State.OPEN, days(-1))
    rect("r2", cast.unit_a, S.DEMOCRATIC_LIFE, R.State.OPEN, days(10))
    rect("r3", cast.unit_a, S.AUDIT, R.State.REPORTED, days(-5))
    rect("r4", cast.unit_a, S.INSPECTION, R.State.CLOSED, days(-20), at(y, 3, 15))
    rect("r5", cast.unit_a, S.MANUAL, R.State.CLOSED, days(-200), at(y - 1, 11, 20))
    rect("r6", cast.unit_b, S.ORGANIZATIONAL_LIFE, R.State.OPEN, days(-3))
    rect("r7", cast.committee, S.AUDIT, R.State.OPEN, days(20))
    rect("r8", cast.discipline, S.INSPECTION, R.State.CLOSED, days(-30), at(y, 6, 30, 23))
    rect("r9", cast.party_group, S.DEMOCRATIC_LIFE, R.State.OPEN, days(-1))
    notice("n1", cast.unit_a, N.State.ISSUED, days(-2))
    notice("n2", cast.unit_a, N.State.REPLIED, days(-4))
    notice("n3", cast.unit_b, N.State.CLOSED, days(-40), at(y, 2, 1))
    notice("n4", cast.committee, N.State.ISSUED, days(5))
    notice("n5", cast.unit_b, N.State.CLOSED, days(-40), at(y, 7, 1, 0, 30))
    return made
