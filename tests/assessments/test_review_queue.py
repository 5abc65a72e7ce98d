import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Report
from tests.assessments.pages import count_queries

pytestmark = pytest.mark.django_db
URL = reverse("assessments:review_queue")


def submit_all(cast, period, unit, n):
    reports = list(Report.objects.filter(period=period, unit=unit, state="draft").order_by("pk")[:n])
    secretary = cast.secretary_a if unit == cast.unit_a else cast.secretary_b
    for report in reports:
        services.submit_report(report_id=report.pk, actor=secretary, content="已按要求落实")
    return reports


def link(report):
    return reverse("assessments:report", args=[report.pk])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("admin", 200),
        ("leader", 200),
        ("other_leader", 200),
        ("secretary_a", 403),
        ("secretary_b", 403),
        ("supervisor", 403),
    ],
)
def test_queue_answers_each_role(client_as, role, status, period):
    assert client_as(role).get(URL).status_code == status


def test_leaders_see_their_liaison_units_admins_all(client_as, cast, period):
    (mine,) = submit_all(cast, period, cast.unit_a, 1)
    (theirs,) = submit_all(cast, period, cast.unit_b, 1)
    leader_page = client_as("leader").get(URL).content.decode()
    assert link(mine) in leader_page and link(theirs) not in leader_page
    other_page = client_as("other_leader").get(URL).content.decode()
    assert link(theirs) in other_page and link(mine) not in other_page
    admin_page = client_as("admin").get(URL).content.decode()
    assert link(mine) in admin_page and link(theirs) in admin_page


def test_only_submitted_reports_wait_and_drafts_do_not(client_as, cast, period):
    page = client_as("admin").get(URL).content.decode()
    assert "这里没有等待审核的报告。" in page
    draft = Report.objects.filter(period=period, unit=cast.unit_a).first()
    assert link(draft) not in page


def test_filters_live_in_the_url(client_as, cast, period):
    a_reports = submit_all(cast, period, cast.unit_a, 3)
    b_reports = submit_all(cast, period, cast.unit_b, 1)
    client = client_as("admin")
    only_a = client.get(URL, {"unit": cast.unit_a.pk}).content.decode()
    assert all(link(r) in only_a for r in a_reports) and link(b_reports[0]) not in only_a
    category = a_reports[0].category
    by_category = client.get(URL, {"category": category.pk, "state": "submitted"}).content.decode()
    assert all((link(r) in by_category) == (r.category_id == category.pk) for r in a_reports)
    services.return_report(report_id=a_reports[0].pk, actor=cast.admin, comment="补充")
    returned = client.get(URL, {"state": "returned"}).content.decode()
    assert link(a_reports[0]) in returned and link(a_reports[1]) not in returned
    # Carried into the review page, so "next" stays inside the filtered queue.
    assert f"{link(a_reports[1])}?unit={cast.unit_a.pk}" in only_a


@pytest.mark.parametrize("query", [{"unit": "abc"}, {"category": "999999"}, {"state": "nonsense"}, {"page": "x"}])
def test_bad_filters_are_a_clear_400_not_a_500(client_as, query):
    response = client_as("admin").get(URL, query)
    assert response.status_code in (200, 400)
    if "page" not in query:
        assert response.status_code == 400 and "筛选条件无效" in response.content.decode()


def test_a_leader_cannot_filter_on_a_unit_they_do_not_oversee(client_as, cast, period):
    submit_all(cast, period, cast.unit_b, 1)
    response = client_as("leader").get(URL, {"unit": cast.unit_b.pk})
    assert response.status_code == 400 and "乙党支部" not in response.content.decode().split("<table")[-1]


def test_english_queue(client_as, cast, period):
    submit_all(cast, period, cast.unit_a, 1)
    client = client_as("leader")
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(URL).content.decode()
    assert "To review" in page and "Branch A" in page and "Submitted" in page


# With the person's held posts for 我的责任 in the menu (issue 12); a leader's 待审核 badge
# takes the page's own count (issue 15), an admin's menu has none.
@pytest.mark.parametrize(("role", "pin"), [("leader", 8), ("admin", 9)])
def test_query_count_is_pinned_and_does_not_grow(client_as, cast, period, role, pin):
    submit_all(cast, period, cast.unit_a, 1)
    client = client_as(role)
    before = count_queries(client, URL)
    assert before <= pin
    submit_all(cast, period, cast.unit_a, 8)
    submit_all(cast, period, cast.unit_b, 8)
    assert count_queries(client, URL) == before


def test_pages_follow_the_oldest_submission_first_and_the_count_is_the_whole_queue(
    client_as, cast, period, monkeypatch
):
    """The page's ids are picked first, then read with their columns (issue 15): the order,
    the count and the page boundaries stay those of the whole queue."""
    from assessments.views import review

    monkeypatch.setattr(review, "QUEUE_PAGE_SIZE", 2)
    submitted = submit_all(cast, period, cast.unit_a, 5)
    client = client_as("leader")
    seen = []
    for number in (1, 2, 3):
        response = client.get(URL, {"page": number})
        assert response.status_code == 200
        page = response.context["page"]
        assert page.paginator.count == 5
        seen += [report.pk for report in page]
    assert seen == [report.pk for report in submitted]  # submitted in pk order, one after another
    assert [r.pk for r in client.get(URL, {"page": 9}).context["page"]] == [submitted[-1].pk]  # past the end: the last


def test_too_many_units_to_list_are_named_by_their_code(client_as, cast, period, monkeypatch):
    """An admin over 50,000 units (docs/scale.md 4): the filter asks for a unit's code
    instead of listing every unit, in the same number of queries; a link's ``?unit=<id>``
    still works, and an unknown code is a clear 400."""
    from assessments import selectors
    from core import pagecache

    a_reports = submit_all(cast, period, cast.unit_a, 2)
    submit_all(cast, period, cast.unit_b, 1)
    client = client_as("admin")
    listed = count_queries(client, URL)
    monkeypatch.setattr(selectors, "QUEUE_UNITS_LISTED", 1)
    pagecache.bump()  # the page made again, not the one kept before
    assert count_queries(client, URL) == listed
    pagecache.bump()
    page = client.get(URL).content.decode()
    assert 'name="unit_code"' in page and '<select name="unit"' not in page
    response = client.get(URL, {"unit_code": cast.unit_a.code})
    assert response.status_code == 200
    assert [r.pk for r in response.context["page"]] == [r.pk for r in a_reports]
    assert f"{link(a_reports[0])}?unit={cast.unit_a.pk}" in response.content.decode()
    by_id = client.get(URL, {"unit": cast.unit_a.pk})
    assert [r.pk for r in by_id.context["page"]] == [r.pk for r in a_reports]
    unknown = client.get(URL, {"unit_code": "NO-SUCH-UNIT"})
    assert unknown.status_code == 400
    assert "No unit with this code" in unknown.content.decode() or "没有" in unknown.content.decode()
