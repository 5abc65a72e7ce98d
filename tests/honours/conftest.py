"""A year whose results can be counted by hand.

Scores (second half / first half): 机关党委 95/90 (not a branch), 纪检监察组 99/99 (never
ranked), 甲党支部 90/88, 丙党支部 85/80, 乙党支部 80/82, 丁党支部 70/75. The branches'
前三名 of the second half: 甲, 丙, 乙. 述职评议 (published): 甲书记 1st 92.5 好, 乙书记 2nd
81.0 较好, 丙书记 too few ballots. Open rectifications: 甲 2 (one closed beside them), 乙 1.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts import roles
from appraisals.models import AppraisalResult, AppraisalRound, Appraisee, GradeLevel
from assessments.models import Period
from oversight.models import Rectification
from responsibilities.models import Post, Unit
from scoring.models import UnitScore
from tests.factories import PostFactory, UnitFactory, UserFactory


@dataclass
class Year:
    year: int
    first: Period
    second: Period
    unit_c: Unit
    unit_d: Unit
    secretary_c: object


def _period(year, half):
    return Period.objects.create(year=year, half=half, state=Period.State.CLOSED, **Period.default_dates(year, half))


@pytest.fixture
def year_data(cast) -> Year:
    year = timezone.localdate().year
    first, second = _period(year, 1), _period(year, 2)
    unit_c = UnitFactory(code="ZBC", name="丙党支部", name_en="Branch C", parent=cast.committee)
    secretary_c = UserFactory(username="sec_c", full_name="丙书记", roles=[roles.SECRETARY])
    PostFactory(unit=unit_c, title="支部书记", held_by=secretary_c)
    unit_d = UnitFactory(code="ZBD", name="丁党支部", name_en="Branch D", parent=cast.committee)
    scores = {
        cast.committee: (90, 95),
        cast.discipline: (99, 99),
        cast.unit_a: (88, 90),
        unit_c: (80, 85),
        cast.unit_b: (82, 80),
        unit_d: (75, 70),
    }
    for unit, (h1, h2) in scores.items():
        for period, score in ((first, h1), (second, h2)):
            UnitScore.objects.create(period=period, unit=unit, score=Decimal(score), subtree_score=Decimal(score))
    appraisal = AppraisalRound.objects.create(
        year=year,
        title=f"{year}年度述职评议",
        state=AppraisalRound.State.PUBLISHED,
        organization=cast.party_group,
        created_by=cast.admin,
    )
    good = GradeLevel.objects.create(round=appraisal, name="好", points=100, min_score=90)
    fair = GradeLevel.objects.create(round=appraisal, name="较好", points=85, min_score=80)
    for person, unit, score, grade, rank, enough in (
        (cast.secretary_a, cast.unit_a, "92.50", good, 1, True),
        (cast.secretary_b, cast.unit_b, "81.00", fair, 2, True),
        (secretary_c, unit_c, None, None, None, False),
    ):
        appraisee = Appraisee.objects.create(
            round=appraisal, person=person, unit=unit, post=Post.objects.get(unit=unit, holder=person)
        )
        AppraisalResult.objects.create(
            appraisee=appraisee,
            score=Decimal(score) if score else None,
            grade=grade,
            rank=rank,
            enough_ballots=enough,
            valid_ballots=9 if enough else 1,
        )
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    for unit, state in (
        (cast.unit_a, Rectification.State.OPEN),
        (cast.unit_a, Rectification.State.REPORTED),
        (cast.unit_a, Rectification.State.CLOSED),
        (cast.unit_b, Rectification.State.OPEN),
    ):
        Rectification.objects.create(
            problem="台账不全", measure="补齐台账", unit=unit, deadline=deadline, state=state, raised_by=cast.admin
        )
    return Year(year=year, first=first, second=second, unit_c=unit_c, unit_d=unit_d, secretary_c=secretary_c)
