import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.assessments.pages import count_queries

pytestmark = pytest.mark.django_db
URL = reverse("notifications:list")
ROLES = ["admin", "leader", "other_leader", "secretary_a", "secretary_b", "supervisor"]


def tell(person, n=1, title="您关于 P-01 的报告已被退回"):
    Notification.objects.bulk_create(
        Notification(recipient=person, kind="report_return", title=f"{title} {i}", body="请补充", url="/x/")
        for i in range(n)
    )


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_list_answers_each_role(client_as, role):
    response = client_as(role).get(URL)
    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    else:
        assert response.status_code == 200 and "暂无通知" in response.content.decode()


def test_the_bell_shows_the_unread_count_on_every_page(client_as, cast):
    tell(cast.secretary_a, 3)
    client = client_as("secretary_a")
    for page in (reverse("responsibilities:my_duties"), reverse("password_change")):
        html = client.get(page).content.decode()
        assert f'href="{URL}"' in html and '3<span class="visually-hidden"> 条未读</span>' in html
    assert URL not in client_as("anonymous").get(reverse("login")).content.decode()


def test_each_person_sees_only_their_own(client_as, cast):
    tell(cast.secretary_a, 1, title="甲的通知")
    tell(cast.secretary_b, 1, title="乙的通知")
    page = client_as("secretary_b").get(URL).content.decode()
    assert "乙的通知" in page and "甲的通知" not in page


def test_opening_the_list_marks_what_it_shows_as_read(client_as, cast):
    tell(cast.secretary_a, 2)
    client = client_as("secretary_a")
    first = client.get(URL).content.decode()
    assert first.count('class="badge text-bg-danger me-1"') == 2  # still marked new this once
    assert not Notification.objects.filter(recipient=cast.secretary_a, read_at__isnull=True).exists()
    again = client.get(URL).content.decode()
    assert 'class="badge text-bg-danger me-1"' not in again and "条未读" not in again
    assert Notification.objects.filter(recipient=cast.secretary_b, read_at__isnull=True).count() == 0


def test_mark_all_read_covers_later_pages(client_as, cast):
    tell(cast.leader, 45)
    client = client_as("leader")
    assert "全部标为已读" in client.get(URL).content.decode()  # 15 unread are on page 2
    done = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "已将 15 条通知标为已读。" in done.content.decode()
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405


def test_english_list(client_as, cast):
    tell(cast.secretary_a, 1)
    client = client_as("secretary_a")
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(URL).content.decode()
    assert "Notifications" in page and "new" in page


def test_bell_and_list_query_counts_do_not_grow(client_as, cast):
    tell(cast.secretary_a, 1)
    client = client_as("secretary_a")
    client.get(URL)  # reads the first one
    page = reverse("responsibilities:my_duties")
    list_before, page_before = count_queries(client, URL), count_queries(client, page)
    assert list_before <= 5
    tell(cast.secretary_a, 80)
    assert count_queries(client, page) == page_before  # the bell is one COUNT whatever the number
    assert count_queries(client, URL) == list_before + 1  # + the one UPDATE that marks them read
