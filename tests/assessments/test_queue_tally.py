"""The whole-organization counts read from the report tally (docs/scale.md 4, "The
whole-organization pages at 50,000 units"): the admin's review queue of every unit — in
every state 1,550,000 reports there, 395 ms to count — and the dashboard's drill-down list
(the red reports of the whole organization, 240 ms), each read from the tally where it
answers the same question, and counted from the rows where a filter the tally does not
carry is asked. Here, on PostgreSQL: the number each page shows is the number of rows it
lists, after every write the tally's triggers must see, and the same as counted from the
reports with the tally off."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Period, Report, Warning
from core.pagecache import bump
from oversight import reorganization
from responsibilities.models import Deputy, Post, Unit
from tests.assessments.pages import count_queries
from tests.factories import PostFactory
from tests.services import need_postgres

pytestmark = pytest.mark.django_db
QUEUE = reverse("assessments:review_queue")
LIST = reverse("dashboard:reports")
STATES = ["", *Report.State.values]
COUNT_OF_REPORTS = 'COUNT(*) AS "__count" FROM "assessments_report"'


@pytest.fixture(autouse=True)
def postgres():
    need_postgres()


def shown(client, url, params, *, tally: bool = True) -> int:
    bump()  # the page made afresh, not a copy kept before (core/pagecache.py)
    with override_settings(MINGZE_REPORT_TALLY=tally):
        response = client.get(url, params)
    assert response.status_code == 200, (url, params)
    return response.context["page"].paginator.count


def listed(client, url, params, monkeypatch, size: int = 7) -> list[int]:
    """Every report the list shows, page after page (pages of ``size``)."""
    from assessments.views import review
    from dashboard import views

    monkeypatch.setattr(review, "QUEUE_PAGE_SIZE", size)
    monkeypatch.setattr(views, "REPORTS_PAGE", size)
    seen, number = [], 1
    while True:
        bump()
        page = client.get(url, {**params, "page": number}).context["page"]
        seen += [report.pk for report in page]
        if not page.has_next():
            return seen
        number += 1


def queue_rows(user, **filters) -> int:
    return selectors.review_queue(user, **filters).count()


def agree(cast, clients, period, category):
    """Each page's number is its rows' — read from the tally, and counted with it off."""
    admin = clients["admin"]
    for state in STATES:
        for extra in ({}, {"category": category.pk}):
            params = {"state": state, **extra}
            rows = queue_rows(cast.admin, state=state, category=category if extra else None)
            assert shown(admin, QUEUE, params) == rows, params
            assert shown(admin, QUEUE, params, tally=False) == rows, params
    for who, client in clients.items():
        for params in (
            *({"warning": level} for level in Warning.values),
            *({"state": state} for state in Report.State.values),
            {"category": category.pk, "warning": Warning.RED},
            {"unit": cast.committee.pk},
            {"unit": cast.committee.pk, "exact": "on"},
            {"unit": cast.party_group.pk, "exact": "on", "warning": Warning.RED},
            {"unit": cast.unit_a.pk, "state": Report.State.SUBMITTED},
        ):
            if "unit" in params and who.startswith("secretary") and params["unit"] != cast.unit_a.pk:
                continue
            if who == "secretary_a" and "unit" not in params:
                params = {**params, "unit": cast.unit_a.pk}
            params = {"period": period.pk, **params}
            assert shown(client, LIST, params) == shown(client, LIST, params, tally=False), (
                who,
                params,
            )


@pytest.fixture
def clients(cast):
    from django.test import Client

    made = {}
    for name in ("admin", "leader", "secretary_a"):
        made[name] = Client()
        made[name].force_login(cast.by_role(name))
    return made


def test_the_admins_queue_in_every_state_shows_as_many_as_it_lists(cast, period, client_as, monkeypatch):
    # The admin's exceptions, each left out of the tally's number and counted as rows: a
    # post they hold in the 机关党委, a deputy's post in branch A, a report they submitted
    # in branch B; and the 党组's and the 纪检监察组's reports (not theirs to review).
    PostFactory(unit=cast.committee, title="组织委员", held_by=cast.admin)
    Deputy.objects.create(
        post=Post.objects.get(unit=cast.unit_a, holder=cast.secretary_a),
        person=cast.admin,
        started=timezone.localdate(),
        province_id=cast.unit_a.province_id,
    )
    branch_b = list(Report.objects.filter(period=period, unit=cast.unit_b).order_by("pk"))
    for report in branch_b[:4]:
        services.submit_report(report_id=report.pk, actor=cast.secretary_b, content="已落实")
    Report.objects.filter(pk=branch_b[0].pk).update(responsible=cast.admin)
    admin = client_as("admin")
    for state in STATES:
        rows = queue_rows(cast.admin, state=state)
        assert shown(admin, QUEUE, {"state": state}) == rows == shown(admin, QUEUE, {"state": state}, tally=False)
    everything = listed(admin, QUEUE, {"state": ""}, monkeypatch)
    assert len(everything) == len(set(everything)) == queue_rows(cast.admin, state="")
    assert set(Report.objects.filter(pk__in=everything).values_list("unit", flat=True)) == {cast.unit_b.pk}
    assert len(everything) == len(branch_b) - 1 and branch_b[0].pk not in everything


def test_the_admins_queue_counts_from_the_tally_and_a_unit_asked_for_from_the_rows(cast, period, client_as):
    admin = client_as("admin")
    with CaptureQueriesContext(connection) as captured:
        assert admin.get(QUEUE, {"state": ""}).status_code == 200
    sql = [q["sql"] for q in captured]
    assert [q for q in sql if "assessments_reporttally" in q]
    assert not [q for q in sql if COUNT_OF_REPORTS in q]
    with CaptureQueriesContext(connection) as captured:
        assert admin.get(QUEUE, {"state": "", "unit": cast.unit_a.pk}).status_code == 200
    sql = [q["sql"] for q in captured]
    assert [q for q in sql if COUNT_OF_REPORTS in q] and not [q for q in sql if "assessments_reporttally" in q]
    # A leader's queue (their liaison units) is counted from its rows.
    with CaptureQueriesContext(connection) as captured:
        assert client_as("leader").get(QUEUE, {"state": ""}).status_code == 200
    assert not [q for q in captured if "assessments_reporttally" in q["sql"]]


@pytest.mark.parametrize("params", [{"state": ""}, {}, {"state": "draft"}])
def test_the_admins_queue_costs_as_many_queries_whatever_the_state(cast, period, client_as, params):
    """The same pin as the queue as it opens (tests/assessments/test_review_queue.py)."""
    client = client_as("admin")
    assert count_queries(client, f"{QUEUE}?state={params.get('state', 'submitted')}") <= 9


def test_the_red_list_counts_from_the_tally_in_as_many_queries(cast, period, client_as, monkeypatch):
    today = timezone.localdate()
    Period.objects.filter(pk=period.pk).update(due_on=today)
    Report.objects.filter(period=period, unit=cast.unit_a).update(due_on=today - datetime.timedelta(days=1))
    leader = client_as("leader")
    params = {"period": period.pk, "warning": "red"}
    red = Report.objects.filter(period=period, state__in=Report.UNSUBMITTED, due_on__lt=today).count()
    with CaptureQueriesContext(connection) as captured:
        assert shown(leader, LIST, params) == red > 0
    sql = [q["sql"] for q in captured]
    # (The one count of reports left is the 待审核 badge's, of the submitted.)
    assert [q for q in sql if "assessments_reporttally" in q]
    assert not [q for q in sql if COUNT_OF_REPORTS in q and "due_on" in q]
    assert len(listed(leader, LIST, params, monkeypatch, size=3)) == red
    with CaptureQueriesContext(connection) as off:
        assert shown(leader, LIST, params, tally=False) == red
    assert len(captured) == len(off)
    # Submitted late: a filter the tally does not carry, counted from the rows.
    with CaptureQueriesContext(connection) as captured:
        shown(leader, LIST, {**params, "late": "on"})
    assert [q for q in captured if COUNT_OF_REPORTS in q["sql"] and "due_on" in q["sql"]]


def test_every_write_the_counts_rely_on_keeps_them_the_rows(cast, period, clients):
    """The writes the triggers must see for these counts (tests/dashboard/test_report_tally.py
    has the opening, a submission, a return, an approval, a move, a merge, a due date moved):
    here each step of a report, the nightly lock (one UPDATE of many), a waiver, a reopening,
    a merge, the due date moved, the period closed and reopened — and after each, every
    page's number is its rows'."""
    category = Report.objects.filter(period=period).first().category
    agree(cast, clients, period, category)
    unit_a = list(Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk"))
    unit_b = list(Report.objects.filter(period=period, unit=cast.unit_b).order_by("pk"))
    for report in unit_a[:3]:
        services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已落实")
    for report in unit_b[:3]:
        services.submit_report(report_id=report.pk, actor=cast.secretary_b, content="已落实")
    services.approve_report(report_id=unit_b[0].pk, actor=cast.admin, grade="good")
    services.return_report(report_id=unit_b[1].pk, actor=cast.admin, comment="补充")
    agree(cast, clients, period, category)
    services.reopen_report(report_id=unit_b[0].pk, actor=cast.admin, reason="再核实")
    locked = services.lock_reports(
        period_id=period.pk,
        report_ids=[r.pk for r in unit_a[3:] + unit_b[3:]],
        today=period.due_on + datetime.timedelta(days=period.grace_days + 1),
    )
    assert len(locked) > 2
    agree(cast, clients, period, category)
    services.waive_lock(report_id=locked[0], actor=cast.admin, reason="因公出差")
    moved = Period.objects.get(pk=period.pk)
    moved.due_on = timezone.localdate() - datetime.timedelta(days=1)
    moved.save()
    agree(cast, clients, period, category)
    reorganization.merge(unit=cast.unit_b, into=cast.unit_a, on=timezone.localdate(), reason="合并", actor=cast.admin)
    agree(cast, clients, period, category)
    Period.objects.filter(pk=period.pk).update(state=Period.State.CLOSED)  # as the nightly close leaves it
    assert queue_rows(cast.admin, state="") == 0
    agree(cast, clients, period, category)
    services.reopen_period(period_id=period.pk, actor=cast.admin, reason="补录")
    agree(cast, clients, period, category)
    assert Unit.objects.filter(pk=cast.unit_b.pk, active=False).exists()
