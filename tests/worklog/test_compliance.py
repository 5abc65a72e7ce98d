"""Counts against the rule across a half year (履责纪实, issue 13 item 3): records this half
against what the rule asks for by today, on track / one behind (yellow) / two behind or the
span ended short (red); a record counting for two duties; leaders' own records counting
against their post's duties (item 8). Dates are frozen by passing ``today``."""

import datetime

import pytest

from responsibilities.models import Assignment, Duty, Post, PostKind
from tests.factories import WorkRecordFactory
from worklog import compliance
from worklog.models import WorkRecord

pytestmark = pytest.mark.django_db

D = datetime.date


def tally_of(unit_or_post, code, today):
    duty = Duty.objects.get(checklist__year=today.year, code=code)
    qs = Assignment.objects.filter(duty=duty).select_related("duty", "unit", "post")
    qs = qs.filter(post=unit_or_post) if isinstance(unit_or_post, Post) else qs.filter(unit=unit_or_post)
    (tally,) = compliance.tallies(qs, today=today)
    return tally


def record(unit, kind, day, *codes, **extra):
    duties = Duty.objects.filter(checklist__year=day.year, code__in=codes)
    return WorkRecordFactory(unit=unit, kind=kind, held_on=day, duties=list(duties), **extra)


@pytest.fixture
def year(cast):
    return cast.checklist.year


def test_monthly_committee_meetings_counted_through_the_half(cast, year):
    """支委会 at least monthly: 6 by the end of June; pro rata by the months gone by."""
    for month in (1, 2, 3, 4):
        record(cast.unit_a, "branch_committee", D(year, month, 10), "B-01")
    # A draft, a record of another unit and one of last half do not count.
    record(cast.unit_a, "branch_committee", D(year, 5, 10), "B-01", state=WorkRecord.State.DRAFT)
    record(cast.unit_b, "branch_committee", D(year, 3, 10), "B-01")
    record(cast.unit_a, "branch_committee", D(year - 1, 12, 10), "B-01")

    april = tally_of(cast.unit_a, "B-01", D(year, 4, 20))
    assert (april.done, april.target, april.required, april.status) == (4, 6, 3, compliance.ON_TRACK)
    june = tally_of(cast.unit_a, "B-01", D(year, 6, 15))  # five months gone, four held
    assert (june.done, june.required, june.status) == (4, 5, compliance.YELLOW)
    july = tally_of(cast.unit_a, "B-01", D(year, 12, 31))  # the next half starts from nothing
    assert (july.done, july.target) == (0, 6)
    assert july.status == compliance.RED and july.behind == 5
    other = tally_of(cast.unit_b, "B-01", D(year, 4, 20))
    assert (other.done, other.required, other.status) == (1, 3, compliance.RED)
    assert "2" in other.words


def test_a_half_that_ended_short_is_red(cast, year):
    for month in (7, 8, 9, 10, 11):
        record(cast.unit_a, "theme_day", D(year, month, 5), "B-05")
    in_december = tally_of(cast.unit_a, "B-05", D(year, 12, 20))
    assert in_december.status == compliance.ON_TRACK  # November done; December not over
    assert tally_of(cast.unit_a, "B-05", D(year, 12, 31)).status == compliance.ON_TRACK  # December still open
    # The same half seen after it ended: ended short, one missing.
    rows = Assignment.objects.filter(duty__code="B-05", unit=cast.unit_a).select_related("duty", "post")
    (tally,) = compliance.tallies(rows, today=D(year + 1, 1, 2), within=D(year, 12, 1))
    assert (tally.done, tally.target, tally.ended, tally.status) == (5, 6, True, compliance.RED)
    assert "1" in tally.words
    record(cast.unit_a, "theme_day", D(year, 12, 30), "B-05")
    (tally,) = compliance.tallies(rows, today=D(year + 1, 1, 2), within=D(year, 12, 1))
    assert tally.status == compliance.ON_TRACK


def test_one_record_counts_for_two_duties(cast, year):
    """A 党员大会 that was also the quarter's 党课 counts once for each."""
    record(cast.unit_a, "members_meeting", D(year, 3, 20), "B-02", "B-04")
    record(cast.unit_a, "members_meeting", D(year, 5, 20), "B-02", "B-04")
    day = D(year, 6, 30)
    meeting, lecture = tally_of(cast.unit_a, "B-02", day), tally_of(cast.unit_a, "B-04", day)
    assert (meeting.done, meeting.target, meeting.status) == (2, 2, compliance.ON_TRACK)
    assert (lecture.done, lecture.target, lecture.status) == (2, 2, compliance.ON_TRACK)


def test_quarterly_and_yearly_duties(cast, year):
    day = D(year, 4, 2)  # the first quarter is over
    assert tally_of(cast.unit_a, "B-02", day).status == compliance.YELLOW
    yearly = tally_of(cast.unit_a, "B-06", day)  # 组织生活会: by the end of the year
    assert (yearly.target, yearly.required, yearly.status) == (1, 0, compliance.ON_TRACK)
    record(cast.unit_a, "organizational_life", D(year, 3, 1), "B-06")
    assert tally_of(cast.unit_a, "B-06", D(year, 11, 1)).done == 1  # counted over the year


def test_talks_count_distinct_people_against_the_members(cast, year):
    """谈心谈话 with each member: the people talked with, not the number of talks."""
    from tests.factories import UserFactory

    people = UserFactory.create_batch(3)
    record(cast.unit_a, "members_meeting", D(year, 1, 5), expected=5)
    record(cast.unit_a, "talk", D(year, 2, 5), "B-08", participants=people[:2])
    record(cast.unit_a, "talk", D(year, 3, 5), "B-08", participants=people[1:])
    tally = tally_of(cast.unit_a, "B-08", D(year, 4, 1))
    assert (tally.done, tally.target, tally.status) == (3, 5, compliance.ON_TRACK)


def test_leaders_own_records_count_for_their_post_wherever_held(cast, year):
    """讲党课 at the 联系点 (held in unit A) counts for the leader's post, not the
    other members'; the 党组's 中心组学习 as a body counts for the 党组's duty."""
    post = Post.objects.get(holder=cast.leader, unit=cast.party_group)
    other = Post.objects.get(unit=cast.party_group, kind=PostKind.SECRETARY)
    record(cast.unit_a, "leader_lecture", D(year, 5, 8), "I-L1", post=post)
    assert tally_of(post, "I-L1", D(year, 6, 1)).done == 1
    assert tally_of(other, "I-L1", D(year, 6, 1)).done == 0
    record(cast.party_group, "study_group", D(year, 2, 8), "I-L2")
    study = tally_of(cast.party_group, "I-L2", D(year, 4, 2))
    assert (study.done, study.required, study.status) == (1, 1, compliance.ON_TRACK)


def test_queries_do_not_grow_with_units_and_records(cast, year, django_assert_max_num_queries):
    for month in range(1, 6):
        record(cast.unit_a, "branch_committee", D(year, month, 3), "B-01")
        record(cast.unit_b, "branch_committee", D(year, month, 3), "B-01")
    with django_assert_max_num_queries(2):  # the assignments, the counts
        rows = compliance.tallies(compliance.counted_assignments(year=year), today=D(year, 6, 1))
    assert len(rows) >= 2 * 8
