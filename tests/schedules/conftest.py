"""A small organization for replaying a half year: a Party group P with branches A and B,
four duties, and the 2030 first half (opens 6-15, due 7-10, grace 5 → locks 7-16, review by
7-31 → closes 8-1). Dates are fixed so the replay is the same every year it is run."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts import roles
from assessments.models import Half, Period
from responsibilities.models import PostKind, Unit, UnitKind
from tests.assessments.conftest import period  # noqa: F401  (an open period of the cast, due in 14 days)
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    ChecklistFactory,
    DutyFactory,
    PostFactory,
    UnitFactory,
    UserFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2030


def at(month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(YEAR, month, day, hour, 0, tzinfo=SHANGHAI)


def on(month: int, day: int) -> datetime.date:
    return datetime.date(YEAR, month, day)


def travel(month: int, day: int, hour: int = 10):
    """Be at that hour of that day in Asia/Shanghai (services read the clock)."""
    return time_machine.travel(at(month, day, hour), tick=False)


@dataclass
class Org:
    admin: object
    leader_a: object
    leader_b: object
    secretary_a: object
    secretary_b: object
    party: Unit
    unit_a: Unit
    unit_b: Unit
    period: Period
    reports: dict  # "A-D1" → report id


@pytest.fixture
def org(db) -> Org:
    admin = UserFactory(username="r_admin", roles=[roles.ADMIN])
    leader_a = UserFactory(username="r_leader_a", roles=[roles.LEADER])
    leader_b = UserFactory(username="r_leader_b", roles=[roles.LEADER])
    secretary_a = UserFactory(username="r_sec_a", roles=[roles.SECRETARY])
    secretary_b = UserFactory(username="r_sec_b", roles=[roles.SECRETARY])

    party = UnitFactory(code="RP", name="党组", kind=UnitKind.LEADING_GROUP)
    unit_a = UnitFactory(code="RA", name="甲支部", name_en="Branch A", parent=party, liaison=leader_a)
    unit_b = UnitFactory(code="RB", name="乙支部", name_en="Branch B", parent=party, liaison=leader_b)
    # leader_b carries the 党组's duty as a 班子成员 (一岗双责); the 党组书记, who reviews
    # the members' reports (issue 12), is the admin here.
    post_p = PostFactory(unit=party, title="党组成员", kind=PostKind.GROUP_MEMBER, held_by=leader_b)
    PostFactory(unit=party, title="党组书记", held_by=admin)
    post_a = PostFactory(unit=unit_a, title="支部书记", held_by=secretary_a)
    post_b = PostFactory(unit=unit_b, title="支部书记", held_by=secretary_b)

    political = CategoryFactory(code="political", name="政治建设", key=True, order=1)
    ideological = CategoryFactory(code="ideological", name="思想建设", key=False, order=2)
    checklist = ChecklistFactory(year=YEAR)
    d1 = DutyFactory(checklist=checklist, code="D1", category=political, weight=Decimal(1))
    d2 = DutyFactory(checklist=checklist, code="D2", category=ideological, weight=Decimal(1))
    d3 = DutyFactory(checklist=checklist, code="D3", category=ideological, weight=Decimal(2))
    d4 = DutyFactory(checklist=checklist, code="D4", category=ideological, cadence="annual")
    for duty in (d1, d2, d3, d4):
        AssignmentFactory(duty=duty, unit=unit_a, post=post_a)
    for duty in (d1, d2):
        AssignmentFactory(duty=duty, unit=unit_b, post=post_b)
    AssignmentFactory(duty=d1, unit=party, post=post_p)

    first_half = Period.objects.create(
        year=YEAR,
        half=Half.FIRST,
        opens_on=on(6, 15),
        due_on=on(7, 10),
        grace_days=5,
        review_due_on=on(7, 31),
    )
    return Org(
        admin=admin,
        leader_a=leader_a,
        leader_b=leader_b,
        secretary_a=secretary_a,
        secretary_b=secretary_b,
        party=Unit.objects.get(pk=party.pk),
        unit_a=Unit.objects.get(pk=unit_a.pk),
        unit_b=Unit.objects.get(pk=unit_b.pk),
        period=first_half,
        reports={},
    )


def report_ids(of: Period) -> dict:
    """{"A-D1": id, …} once the period is open (A, B, P by unit code)."""
    names = {"RA": "A", "RB": "B", "RP": "P"}
    return {
        f"{names[code]}-{duty}": pk
        for pk, code, duty in of.reports.values_list("pk", "unit__code", "assignment__duty__code")
    }
