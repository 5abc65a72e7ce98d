"""The list of records: the ones a person may read, searchable by type, date range and
text (filters in the URL), paginated, with a pinned number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from responsibilities.models import WorkType

from .conftest import make_record, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cast, duties):
    made = [
        make_record(cast.unit_a, cast.secretary_a, kind=WorkType.BRANCH_COMMITTEE, topic="研究发展党员", days_ago=40),
        make_record(cast.unit_a, cast.secretary_a, kind=WorkType.THEME_DAY, topic="参观廉政教育基地", days_ago=10),
        make_record(cast.unit_a, cast.secretary_a, kind=WorkType.PARTY_LECTURE, topic="书记讲党课", days_ago=2),
        make_record(cast.unit_b, cast.secretary_b, kind=WorkType.THEME_DAY, topic="乙支部主题党日", days_ago=5),
    ]
    return made


def topics(response):
    return [r.topic for r in response.context["records"]]


def test_a_secretary_sees_their_branch_and_a_leader_all(client_as, records):
    assert topics(client_as("secretary_a").get(reverse("worklog:records"))) == [
        "书记讲党课",
        "参观廉政教育基地",
        "研究发展党员",
    ]
    assert len(topics(client_as("leader").get(reverse("worklog:records")))) == 4
    assert topics(client_as("secretary_b").get(reverse("worklog:records"))) == ["乙支部主题党日"]


def test_search_by_type_date_and_text(client_as, records):
    client = client_as("leader")
    url = reverse("worklog:records")
    assert topics(client.get(url, {"kind": WorkType.THEME_DAY})) == ["乙支部主题党日", "参观廉政教育基地"]
    since = (timezone.localdate() - datetime.timedelta(days=12)).isoformat()
    until = (timezone.localdate() - datetime.timedelta(days=4)).isoformat()
    assert topics(client.get(url, {"since": since, "until": until})) == ["乙支部主题党日", "参观廉政教育基地"]
    assert topics(client.get(url, {"q": "廉政"})) == ["参观廉政教育基地"]
    page = client.get(url, {"q": "没有这样的记录"}).content.decode()
    assert "没有符合筛选条件的记录" in page


def test_bad_filters_are_told_not_a_500(client_as, records):
    response = client_as("leader").get(reverse("worklog:records"), {"since": "昨天", "kind": "x", "page": "abc"})
    assert response.status_code == 200
    assert "有筛选条件无法识别" in response.content.decode()


def test_the_list_query_count_is_pinned(client_as, cast, records, django_assert_max_num_queries):
    for role in ("secretary_a", "leader", "admin"):
        client = client_as(role)
        client.get(reverse("worklog:records"))
        with django_assert_max_num_queries(9):
            assert client.get(reverse("worklog:records")).status_code == 200
    for n in range(30):  # more records, with files: a page still costs the same
        record = make_record(cast.unit_a, cast.secretary_a, topic=f"支委会{n}", days_ago=n % 20)
        record.files.create(
            original_name="a.png",
            extension=".png",
            content_type="image/png",
            sha256="a" * 64,
            size=1,
            uploaded_by=cast.secretary_a,
            file="x.png",
        )
    for role in ("secretary_a", "leader"):
        client = client_as(role)
        with django_assert_max_num_queries(9):
            response = client.get(reverse("worklog:records"), {"kind": WorkType.BRANCH_COMMITTEE, "page": "2"})
        assert response.status_code == 200 and len(response.context["records"]) > 0


def test_detail_and_form_query_counts_are_pinned(client_as, cast, records, django_assert_max_num_queries):
    record = records[0]
    client = client_as("secretary_a")
    client.post(reverse("worklog:record_files", args=[record.pk]), {"files": [photo(), photo("b.png")]})
    for url, limit in ((reverse("worklog:record", args=[record.pk]), 14), (reverse("worklog:record_new"), 10)):
        client.get(url)
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_roles_without_a_scope_are_refused(client, cast):
    from accounts import roles
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="anquan_w", roles=[roles.SECURITY_ADMIN]))
    assert client.get(reverse("worklog:records")).status_code == 403
    assert client.get(reverse("worklog:record_new")).status_code == 403
    client.logout()
    assert client.get(reverse("worklog:records")).status_code == 302
