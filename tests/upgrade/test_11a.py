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
