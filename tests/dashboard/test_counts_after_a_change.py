"""After a report changes, the dashboard counts again only the rows holding a changed report
(issue 15, ten times province scale: one 机关党委's 1,500 reports, not the period's
620,000), and every number is that of the change: the changed row, the totals and the
warnings; the other rows as they were."""

import contextlib
import datetime
import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Report
from core.pagecache import bump
from dashboard import selectors
from tests.services import need_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def counted_from_the_reports(settings):
    """These are the counts read from the reports, kept in the cache under their stamp:
    where the database keeps no tally (SQLite, ``MINGZE_REPORT_TALLY`` off). With the
    tally (tests/dashboard/test_report_tally.py) no stamp or probe is read at all."""
    settings.MINGZE_REPORT_TALLY = False


def overview(client, captured=None):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    return response.context["o"]


def rows(o):
    return {(row.unit.code, row.own): dict(row.counts) for row in o.rows}


def grouped_counts(captured) -> list[str]:
    return [q["sql"] for q in captured if "SUBSTRING" in q["sql"] and "GROUP BY 1, 2" in q["sql"]]


def probes(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].startswith("WITH n AS")]


# Committed for real: inside a test's transaction every row is that transaction's own,
# not yet committed, so each is read again (conservative) and the narrow path never runs.
@pytest.mark.django_db(transaction=True)
def test_only_the_changed_row_is_counted_again_and_every_number_follows(client_as, cast, data):
    client = client_as("leader")
    before = overview(client)
    assert before.totals["approved"] == 3 and before.warning_counts["red"] == 4
    report = data.reports["a_draft"]  # red: overdue and not submitted
    report.state = Report.State.SUBMITTED
    report.save()
    with CaptureQueriesContext(connection) as captured:
        after = overview(client)
    [counted] = grouped_counts(captured)
    # Only the changed rows, found by a probe of the reports saved since by a transaction
    # the cached counts may not have seen (their xmin).
    assert 'SUBSTRING(U0."path", 1, 8) IN' in counted
    assert any(".xmin::text::bigint" in sql for sql in probes(captured))
    expected = rows(before)
    expected[("JGDW", False)].update({"draft": 0, "submitted": 2})
    expected[("JGDW", False)].pop("draft")
    assert rows(after) == expected
    assert after.totals == {**before.totals, "draft": 1, "submitted": 3}
    assert after.warning_counts["red"] == 3
    # The same numbers as counting every report afresh.
    from django.core.cache import cache

    cache.clear()
    assert rows(overview(client)) == expected


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_late_is_counted_with_the_next_one(client_as, cast, data):
    """A report saved before the cached counts were read but committed after them (a long
    transaction) carries an older time than the counts' newest change: it is counted again
    with the next change, up to ``LATE_COMMIT`` back."""
    client = client_as("leader")
    assert overview(client).totals["approved"] == 3
    newest = Report.objects.filter(period=data.cur).order_by("-updated_at").first().updated_at
    late = data.reports["b_locked"]
    Report.objects.filter(pk=late.pk).update(
        state=Report.State.APPROVED, updated_at=newest - selectors.LATE_COMMIT + datetime.timedelta(seconds=30)
    )
    data.reports["dz"].save()  # the next change, of another row
    o = overview(client)
    assert o.totals["approved"] == 4 and o.totals.get("locked", 0) == 0
    assert rows(o)[("JGDW", False)]["approved"] == 4


def test_a_secretary_and_a_subtree_count_their_rows_again_after_a_change(client_as, cast, data):
    client = client_as("leader")
    subtree = client.get(reverse("dashboard:index"), {"unit": cast.committee.pk}).context["o"]
    secretary = client_as("secretary_a")
    assert overview(secretary).totals["returned"] == 1
    report = data.reports["a_returned"]
    report.state = Report.State.SUBMITTED
    report.save()
    assert overview(secretary).totals.get("returned", 0) == 0
    client = client_as("leader")
    again = client.get(reverse("dashboard:index"), {"unit": cast.committee.pk}).context["o"]
    assert again.totals["submitted"] == subtree.totals["submitted"] + 1
    assert {(r.unit.code, r.own): r.count("submitted") for r in again.rows}[("ZBA", False)] == 2


@contextlib.contextmanager
def approved_in_an_open_transaction(report_pk: int):
    """Another connection approves the report and holds its transaction open while the block
    runs; it commits when the block ends."""
    saved, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                report = Report.objects.get(pk=report_pk)
                report.state = Report.State.APPROVED
                report.save()
                saved.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert saved.wait(30)
        yield
    finally:
        release.set()
        thread.join(30)


@pytest.mark.django_db(transaction=True)
def test_a_report_saved_before_the_counts_and_committed_after_them_is_counted(client_as, cast, data):
    """A real late commit: another connection saves a report, the dashboard counts while that
    transaction is still open (so without it), then it commits; the next change of another
    row brings it in — the counts never stay without it once the stamp moves."""
    client = client_as("leader")
    assert overview(client).totals["approved"] == 3
    with approved_in_an_open_transaction(data.reports["b_locked"].pk):
        data.reports["dz"].save()  # a change the counts are read for while the writer is open
        during = overview(client)
        assert during.totals["approved"] == 3  # not committed yet: not seen
    data.reports["discipline"].save()  # the next change, of another row than the late one
    after = overview(client)
    assert after.totals["approved"] == 4 and after.totals.get("locked", 0) == 0
    cache.clear()
    assert after.totals == overview(client).totals


@pytest.mark.django_db(transaction=True)
def test_a_late_commit_older_than_the_newest_change_is_counted_without_another_change(client_as, cast, data):
    """A late commit whose time is older than the newest change already counted leaves the
    counts' stamp where it was: T1 saves a report and stays open, T2 saves another later and
    commits, the dashboard counts (without T1's), T1 commits — and the next read, with no
    change after it, shows T1's report: a stale number never stays on the page."""
    need_postgres()
    client = client_as("leader")
    assert overview(client).totals["approved"] == 3
    with approved_in_an_open_transaction(data.reports["b_locked"].pk):
        data.reports["dz"].save()  # T2: later than T1's, committed first
        during = overview(client)
        assert during.totals["approved"] == 3  # T1 not committed yet: not seen
    late = Report.objects.get(pk=data.reports["b_locked"].pk)
    assert late.updated_at < Report.objects.get(pk=data.reports["dz"].pk).updated_at
    with CaptureQueriesContext(connection) as captured:
        after = overview(client)
    assert after.totals["approved"] == 4 and after.totals.get("locked", 0) == 0
    assert rows(after)[("JGDW", False)]["approved"] == 4
    assert len(probes(captured)) == 1  # the rows written within the window, once
    # Read again (made afresh, not the cached page): settled, no probe; and the numbers a
    # full count gives.
    bump()
    with CaptureQueriesContext(connection) as captured:
        again = overview(client)
    assert probes(captured) == [] and grouped_counts(captured) == []
    assert again.totals == after.totals
    cache.clear()
    assert overview(client).totals == after.totals


@pytest.mark.django_db(transaction=True)
def test_many_rows_changed_in_the_window_count_the_scope_once_and_equal_a_full_recount(client_as, cast, data):
    """When half the rows or more hold a change, the whole scope is counted in one query
    with no row filter (never more than a full count), and every number is a full count's."""
    client = client_as("leader")
    before = overview(client)
    rows_before = rows(before)
    changed = [data.reports[name] for name in ("a_draft", "discipline", "dz")]
    for report in changed:
        report.save()
    with CaptureQueriesContext(connection) as captured:
        after = overview(client)
    [counted] = grouped_counts(captured)
    assert 'SUBSTRING(U0."path"' not in counted  # the scope, whole
    assert len(probes(captured)) == 1
    assert rows(after) == rows_before and after.totals == before.totals
    cache.clear()
    fresh = overview(client)
    assert rows(fresh) == rows(after) and fresh.totals == after.totals
    assert fresh.warning_counts == after.warning_counts


@pytest.mark.django_db(transaction=True)
def test_a_change_outside_the_scope_counts_nothing_again(client_as, cast, data):
    """A secretary's dashboard after a report of another branch changed: the probe finds no
    row of theirs changed, the cached counts stand, no grouped count runs."""
    secretary = client_as("secretary_a")
    before = overview(secretary)
    data.reports["b_locked"].save()
    with CaptureQueriesContext(connection) as captured:
        after = overview(secretary)
    assert grouped_counts(captured) == [] and len(probes(captured)) == 1
    assert after.totals == before.totals
