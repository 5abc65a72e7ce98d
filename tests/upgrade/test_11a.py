"""The release's database after ``migrate``: returned reports get their resubmission window
counted from their latest return (assessments 0005), and periods gain their event table
(0004) empty, with every period's state kept."""

import datetime

import pytest
from django.conf import settings

pytestmark = pytest.mark.postgres


def test_returned_reports_get_a_window_from_their_latest_return(upgraded):
    rows = upgraded.rows(
        """
        SELECT r.id, r.resubmit_by, max(e.at AT TIME ZONE 'Asia/Shanghai')::date
        FROM assessments_report r
        JOIN assessments_reportevent e ON e.report_id = r.id AND e.action IN ('return', 'reopen')
        WHERE r.state = 'returned'
        GROUP BY r.id, r.resubmit_by
        """
    )
    assert rows, "the release dump holds no returned report: the fixture is wrong"
    days = datetime.timedelta(days=settings.MINGZE_RESUBMIT_DAYS)
    assert all(resubmit_by == returned + days for _pk, resubmit_by, returned in rows)


def test_other_reports_have_no_window(upgraded):
    assert (
        upgraded.scalar("SELECT count(*) FROM assessments_report WHERE state <> 'returned' AND resubmit_by IS NOT NULL")
        == 0
    )


def test_periods_keep_their_state_and_have_no_events_yet(upgraded):
    assert upgraded.scalar("SELECT count(*) FROM assessments_periodevent") == 0
    assert upgraded.scalar("SELECT count(*) FROM assessments_period WHERE state = 'closed'") >= 1


def _past_stages(due_on, since, today):
    stages = {f"t{n}": due_on - datetime.timedelta(days=n) for n in (14, 7, 3, 1)}
    stages = {s: d for s, d in stages.items() if d < today and (since is None or d >= since)}
    if due_on + datetime.timedelta(days=1) < today:
        stages["overdue"] = due_on + datetime.timedelta(days=1)
    return stages


def test_stages_already_past_are_marked_sent_and_none_to_come(upgraded):
    today = upgraded.scalar("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date")
    marked = {}
    for item_type, item_id, stage, stage_day, day in upgraded.rows(
        "SELECT item_type, item_id, stage, stage_day, day FROM schedules_reminderstage"
    ):
        assert stage_day < today and day == today
        marked.setdefault((item_type, item_id), {})[stage] = stage_day
    expected = {}
    for pk, due_on, since in upgraded.rows(
        "SELECT r.id, p.due_on, p.opens_on "
        "FROM assessments_report r JOIN assessments_period p ON p.id = r.period_id WHERE p.state = 'open'"
    ):
        expected[("report", pk)] = _past_stages(due_on, since, today)
    for item_type, table, state, since in [
        ("rectification", "oversight_rectification", "open", "created_at"),
        ("notice", "oversight_supervisionnotice", "issued", "issued_at"),
    ]:
        for pk, deadline, made in upgraded.rows(
            f"SELECT id, deadline, ({since} AT TIME ZONE 'Asia/Shanghai')::date FROM {table} WHERE state = %s",
            [state],
        ):
            expected[(item_type, pk)] = _past_stages(deadline, made, today)
    expected = {key: stages for key, stages in expected.items() if stages}
    assert expected, "the release dump holds no open item with a past stage: the fixture is wrong"
    assert marked == expected
