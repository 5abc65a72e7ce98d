import pytest
from django.core.management import call_command

from assessments.models import Half, Period, Report
from assessments.services import get_or_create_period, open_period
from responsibilities.models import Assignment, Cadence, DueWindow

pytestmark = pytest.mark.django_db


def test_open_period_makes_one_draft_per_assignment_whose_cadence_falls_in_it(cast):
    year = cast.checklist.year
    first = get_or_create_period(year=year, half=Half.FIRST)
    result = open_period(period=first)
    every_half = Assignment.objects.filter(duty__checklist__year=year).exclude(duty__cadence=Cadence.ANNUAL)
    quarterly = every_half.filter(duty__due_window=DueWindow.QUARTERLY)
    # A quarterly duty reports once per quarter of the half (issue 12 item 6).
    assert result.created == every_half.count() + quarterly.count() > 0
    assert quarterly.exists()
    assert set(Report.objects.filter(period=first).values_list("state", flat=True)) == {"draft"}
    assert first.state == Period.State.OPEN

    second = get_or_create_period(year=year, half=Half.SECOND)
    open_period(period=second)
    # Annual duties report once, in the second half.
    every_year = Assignment.objects.filter(duty__checklist__year=year)
    assert Report.objects.filter(period=second).count() == every_year.count() + quarterly.count()


def test_opening_twice_or_after_a_crash_creates_nothing_twice(cast):
    period = get_or_create_period(year=cast.checklist.year, half=Half.FIRST)

    def crash_after_first_batch(done):
        raise RuntimeError("worker died")

    with pytest.raises(RuntimeError):
        open_period(period=period, batch_size=10, after_batch=crash_after_first_batch)
    first_ten = Report.objects.filter(period=period).values("assignment").distinct()
    assert first_ten.count() == 10
    made = Report.objects.filter(period=period).count()
    period.refresh_from_db()
    assert period.state == Period.State.SCHEDULED  # not open until every batch is in
    first = open_period(period=period, batch_size=10)
    again = open_period(period=period, batch_size=10)
    assert first.created + made == Report.objects.filter(period=period).count()
    assert again.created == 0


def test_default_dates_and_the_command(cast, capsys):
    call_command("open_period", str(cast.checklist.year), "H2")
    period = Period.objects.get(year=cast.checklist.year, half=2)
    assert (period.opens_on.month, period.opens_on.day) == (12, 15)
    assert (period.due_on.year, period.due_on.month, period.due_on.day) == (cast.checklist.year + 1, 1, 10)
    assert "created" in capsys.readouterr().out
    call_command("open_period", str(cast.checklist.year), "H2")
    assert "0 created" in capsys.readouterr().out


def test_opening_costs_one_statement_per_batch_not_per_assignment_or_window(cast):
    """A batch inserts its drafts with one INSERT … SELECT, each assignment joined to the
    due rows of its duty's window (a quarterly duty's two quarters among them). The windows
    were once read per batch with the assignments' ordering still on, so DISTINCT kept one
    row per assignment and a batch ran one statement per assignment — minutes at province
    scale; then one statement per window and quarter, each joining the whole tree again
    (docs/scale.md 4, issue 15 item 3)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    period = get_or_create_period(year=cast.checklist.year, half=Half.FIRST)
    assignments = Assignment.objects.filter(duty__checklist__year=period.year)
    windows = set(assignments.values_list("duty__due_window", "duty__due_month", "duty__due_day").order_by())
    assert len(windows) > 1 and any(window == DueWindow.QUARTERLY for window, _m, _d in windows)
    count = assignments.exclude(duty__cadence=Cadence.ANNUAL).count()
    batch = 3
    with CaptureQueriesContext(connection) as queries:
        result = open_period(period=period, batch_size=batch)
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "assessments_report"')]
    assert len(inserts) == -(-count // batch)
    assert result.created == Report.objects.filter(period=period).count()
