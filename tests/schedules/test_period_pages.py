"""考核周期: admins list, create and edit periods and run jobs now; everyone else is refused."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import Half, Period, Report
from schedules.models import JobRun

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "admin", "leader", "other_leader", "secretary_a", "secretary_b", "supervisor"]


@pytest.fixture
def scheduled(cast):
    return Period.objects.create(year=cast.checklist.year, half=Half.SECOND, **Period.default_dates(2026, 2))


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_may_use_the_periods_pages(client_as, scheduled, role):
    client = client_as(role)
    urls = [
        ("get", reverse("schedules:periods")),
        ("get", reverse("schedules:period_edit", args=[scheduled.pk])),
        ("post", reverse("schedules:period_action", args=[scheduled.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, {"action": "open"} if method == "post" else None)
        if role == "anonymous":
            assert response.status_code == 302 and reverse("login") in response["Location"]
        elif role == "admin":
            assert response.status_code in (200, 302)
        else:
            assert response.status_code == 403
    if role != "admin":
        assert not Report.objects.filter(period=scheduled).exists()


def test_periods_page_lists_periods_in_chinese_and_english(client_as, scheduled, django_assert_max_num_queries):
    client = client_as("admin")
    with django_assert_max_num_queries(8):
        page = client.get(reverse("schedules:periods")).content.decode()
    assert "考核周期" in page and f"{scheduled.year}年下半年" in page and "12月15日" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Periods" in client.get(reverse("schedules:periods")).content.decode()


def test_periods_page_query_count_does_not_grow_with_periods(client_as, django_assert_max_num_queries):
    for year in range(2030, 2040):
        Period.objects.create(year=year, half=1, **Period.default_dates(year, 1))
    JobRun.objects.bulk_create([JobRun(job="open_periods") for _ in range(12)])
    client = client_as("admin")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("schedules:periods")).status_code == 200


def test_create_a_period_with_default_dates(client_as):
    response = client_as("admin").post(reverse("schedules:periods"), {"year": "2031", "half": "1"})
    assert response.status_code == 302
    period = Period.objects.get(year=2031, half=1)
    assert (period.opens_on, period.due_on, period.review_due_on) == (
        datetime.date(2031, 6, 15),
        datetime.date(2031, 7, 10),
        datetime.date(2031, 7, 31),
    )
    assert period.state == Period.State.SCHEDULED


def test_bad_period_input_is_explained_and_changes_nothing(client_as, scheduled):
    client = client_as("admin")
    twice = client.post(reverse("schedules:periods"), {"year": str(scheduled.year), "half": "2"})
    assert twice.status_code == 200 and "已有考核周期" in twice.content.decode()
    backwards = client.post(
        reverse("schedules:periods"), {"year": "2032", "half": "1", "opens_on": "2032-07-01", "due_on": "2032-06-01"}
    )
    assert backwards.status_code == 200 and "截止日期不能早于开放日期" in backwards.content.decode()
    nonsense = client.post(reverse("schedules:periods"), {"year": "abc", "half": "9"})
    assert nonsense.status_code == 200
    assert Period.objects.count() == 1
    assert client.get(reverse("schedules:period_edit", args=[999999])).status_code == 404


def test_edit_dates_keeps_their_order(client_as, scheduled):
    client = client_as("admin")
    url = reverse("schedules:period_edit", args=[scheduled.pk])
    bad = client.post(
        url, {"opens_on": "2026-12-15", "due_on": "2027-01-10", "grace_days": "3", "review_due_on": "2027-01-01"}
    )
    assert bad.status_code == 200 and "审核截止日期不能早于截止日期" in bad.content.decode()
    good = client.post(
        url, {"opens_on": "2026-12-10", "due_on": "2027-01-12", "grace_days": "3", "review_due_on": "2027-02-01"}
    )
    assert good.status_code == 302
    scheduled.refresh_from_db()
    assert (scheduled.due_on, scheduled.grace_days) == (datetime.date(2027, 1, 12), 3)


def test_closed_periods_cannot_be_edited(client_as, scheduled):
    Period.objects.filter(pk=scheduled.pk).update(state=Period.State.CLOSED)
    response = client_as("admin").post(
        reverse("schedules:period_edit", args=[scheduled.pk]),
        {"opens_on": "2026-12-01", "due_on": "2027-01-10", "grace_days": "1", "review_due_on": "2027-01-31"},
    )
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.opens_on == datetime.date(2026, 12, 15)


def test_edit_page_and_run_fragment_query_counts(client_as, scheduled, django_assert_max_num_queries):
    run = JobRun.objects.create(job="open_period", period=scheduled, requested_by=None, done=5, total=10)
    client = client_as("admin")
    with django_assert_max_num_queries(6):
        assert client.get(reverse("schedules:period_edit", args=[scheduled.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        fragment = client.get(reverse("schedules:job_run", args=[run.pk])).content.decode()
    assert 'aria-valuenow="50"' in fragment and "5/10" in fragment
    assert client.get(reverse("schedules:job_run", args=[999999])).status_code == 404
