"""After a report changes, the dashboard counts again only the rows holding a changed report
(issue 15, ten times province scale: one 机关党委's 1,500 reports, not the period's
620,000), and every number is that of the change: the changed row, the totals and the
warnings; the other rows as they were."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Report
from dashboard import selectors

pytestmark = pytest.mark.django_db


def overview(client, captured=None):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    return response.context["o"]


def rows(o):
    return {(row.unit.code, row.own): dict(row.counts) for row in o.rows}


def grouped_counts(captured) -> list[str]:
    return [q["sql"] for q in captured if "SUBSTRING" in q["sql"] and "GROUP BY 1, 2" in q["sql"]]


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
    assert '"updated_at" >' in counted  # only the rows with a report changed since
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
