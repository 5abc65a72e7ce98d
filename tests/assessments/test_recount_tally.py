"""``manage.py recount_tally``: an operator who doubts the dashboard's counts (after a
restore, a manual SQL fix) checks the kept tally against the reports counted afresh
(--check: exit non-zero, each differing period and unit named) and rebuilds it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from assessments.models import Period, Report, ReportTally
from assessments.services import open_period
from tests.assessments.conftest import scheduled_period
from tests.services import need_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgres():
    need_postgres()


def check(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("recount_tally", "--check", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def drift(cast, period):
    """A manual fix gone wrong: one count of unit A raised, one row of the tally lost."""
    unit = cast.unit_a
    row = ReportTally.objects.filter(period=period, prefix=unit.path).exclude(n=0).first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE assessments_reporttally SET n = n + 2 WHERE id = %s", [row.pk])
        cursor.execute(
            "DELETE FROM assessments_reporttally WHERE id = "
            "(SELECT id FROM assessments_reporttally WHERE period_id = %s AND prefix = %s AND n <> 0 AND id <> %s "
            "ORDER BY id LIMIT 1)",
            [period.pk, cast.unit_b.path, row.pk],
        )
    return row


def test_a_kept_tally_checks_clean(cast, period):
    assert Report.objects.filter(period=period).exists()
    out, err = check()
    assert "tally matches the reports" in out and err == ""
    out, _ = check("--period", str(period.pk))
    assert "matches" in out


def test_check_names_each_differing_period_and_unit_and_changes_nothing(cast, period):
    row = drift(cast, period)
    before = list(ReportTally.objects.order_by("pk").values_list("pk", "n"))
    with pytest.raises(CommandError, match="2 tally row"):
        check()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("recount_tally", "--check", "--period", str(period.pk), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert any(
        f"period {period.pk}, unit {cast.unit_a.code}" in line and f"tally {row.n + 2}" in line for line in lines
    )
    assert any(f"unit {cast.unit_b.code}" in line and "tally 0" in line for line in lines)
    assert list(ReportTally.objects.order_by("pk").values_list("pk", "n")) == before


def test_the_recount_rebuilds_the_tally_then_the_check_passes(cast, period):
    drift(cast, period)
    out = io.StringIO()
    call_command("recount_tally", "--period", str(period.pk), stdout=out)
    assert "counted afresh" in out.getvalue()
    assert "matches" in check()[0]
    drift(cast, period)
    call_command("recount_tally", stdout=io.StringIO())  # every period
    assert "matches" in check()[0]


def test_an_unknown_period_is_refused_with_a_message(cast, period):
    with pytest.raises(CommandError, match="No period with id 999999"):
        call_command("recount_tally", "--check", "--period", "999999")


@pytest.fixture
def half_opened(cast):
    """A period whose opening died after its first batch: scheduled still, with reports
    and no tally rows (the opening counts them when it marks the period open)."""
    made = scheduled_period(cast)

    def crash(done):
        raise RuntimeError("the worker died")

    with pytest.raises(RuntimeError):
        open_period(period=made, batch_size=2, after_batch=crash)
    made.refresh_from_db()
    assert made.state == Period.State.SCHEDULED and made.reports.exists()
    assert not ReportTally.objects.filter(period=made).exists()
    return made


def test_a_period_being_opened_is_left_out_of_the_check_and_the_rebuild(cast, half_opened):
    """``--check`` during a period's opening: its reports are not counted yet, which is no
    difference; the check and the rebuild leave it out and say so, for all periods and
    for that one. Once opened, it is counted and checked. Fails on the previous main,
    which reported the half-opened period's reports as differing."""
    left = f"left out: scheduled period(s) {half_opened.pk} "
    out, err = check()
    assert left in out and "tally matches the reports" in out and err == ""
    out, err = check("--period", str(half_opened.pk))
    assert left in out and "matches" not in out and err == ""
    for args in ((), ("--period", str(half_opened.pk))):
        out = io.StringIO()
        call_command("recount_tally", *args, stdout=out)
        assert left in out.getvalue()
        assert not ReportTally.objects.filter(period=half_opened).exists(), args
    open_period(period=half_opened)
    assert ReportTally.objects.filter(period=half_opened).exclude(n=0).exists()
    out, _err = check("--period", str(half_opened.pk))
    assert "left out" not in out and "tally matches the reports" in out
    assert "left out" not in check()[0]
