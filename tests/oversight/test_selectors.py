"""What the schedules and the dashboards read: open and overdue items, warnings, counts."""

import datetime

import pytest

from oversight import selectors, services
from oversight.models import Rectification
from tests.oversight.conftest import in_days, photo

pytestmark = pytest.mark.django_db


def raise_on(cast, unit, deadline, problem="问题"):
    return services.raise_rectification(actor=cast.admin, unit=unit, problem=problem, measure="措施", deadline=deadline)


def test_open_rectifications_due_lists_open_ones_soonest_first_with_days_left(cast):
    later = raise_on(cast, cast.unit_a, in_days(20), "后到期")
    sooner = raise_on(cast, cast.unit_b, in_days(2), "先到期")
    done = raise_on(cast, cast.unit_a, in_days(1), "已报完成")
    services.report_rectification_done(
        rectification_id=done.pk, actor=cast.secretary_a, completion="完成", uploads=[photo()]
    )
    today = in_days(0)
    due = selectors.open_rectifications_due(today)
    assert [r.pk for r in due] == [sooner.pk, later.pk]  # reported-done waits on its verifier
    assert [r.days_left for r in due] == [2, 20]
    assert due[0].post.holder == cast.secretary_b  # the person to remind, already loaded


def test_overdue_means_open_after_the_deadline_with_a_red_warning(cast):
    item = raise_on(cast, cast.unit_a, in_days(3))
    assert selectors.overdue_rectifications(in_days(3)) == []  # due today is not overdue
    assert [r.pk for r in selectors.overdue_rectifications(in_days(4))] == [item.pk]
    assert item.warning(in_days(-10)) == "blue"
    assert item.warning(in_days(0)) == "yellow"
    assert item.warning(in_days(4)) == "red" and item.is_overdue(in_days(4))
    item.state = Rectification.State.REPORTED
    assert item.warning(in_days(4)) is None and not item.is_overdue(in_days(4))


def test_notices_awaiting_reply_and_overdue(cast, notice):
    assert [n.pk for n in selectors.open_notices_due(in_days(0))] == [notice.pk]
    assert selectors.overdue_notices(in_days(7)) == []
    assert [n.pk for n in selectors.overdue_notices(in_days(8))] == [notice.pk]
    services.reply_to_notice(notice_id=notice.pk, actor=cast.secretary_a, reply="已办")
    assert selectors.open_notices_due(in_days(8)) == []


def test_open_items_by_unit_counts_in_two_queries(cast, notice, django_assert_num_queries):
    raise_on(cast, cast.unit_a, in_days(3))
    raise_on(cast, cast.unit_a, in_days(30))
    raise_on(cast, cast.unit_b, in_days(1))
    with django_assert_num_queries(2):
        counts = selectors.open_items_by_unit(in_days(5))
    a, b = counts[cast.unit_a.pk], counts[cast.unit_b.pk]
    assert (a.rectifications_open, a.rectifications_overdue, a.notices_open, a.notices_overdue) == (2, 1, 1, 0)
    assert (b.rectifications_open, b.rectifications_overdue) == (1, 1)
    assert selectors.open_items_by_unit(in_days(0) + datetime.timedelta(days=8))[cast.unit_a.pk].notices_overdue == 1
