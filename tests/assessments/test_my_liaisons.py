"""我的党建联系点 (issue 12, item 10): a leader lists the units whose liaison post they hold
now, each with its reports' states this period and links only where the page opens; the
menu shows the entry to those who hold one, and no one else may open the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from responsibilities.models import Post, PostKind
from responsibilities.services import set_liaison, set_post_holder
from tests.assessments.conftest import period, report_a  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db
URL = "/assessments/liaison-units/"


def test_the_url_is_named():
    assert reverse("assessments:my_liaisons") == URL


def test_a_leader_sees_their_liaison_unit_with_its_states_and_open_links(
    client_as,
    cast,
    report_a,  # noqa: F811
    django_assert_max_num_queries,
):
    services.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="开展专题学习")
    client = client_as("leader")
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    rows = response.context["rows"]
    assert [row["unit"].pk for row in rows] == [cast.unit_a.pk]  # not unit B: another leader's
    row = rows[0]
    assert row["waiting"] == 1 and row["total"] > 1
    assert "我的党建联系点" in page and "甲党支部" in page and "乙党支部" not in page
    assert "已提交" in page and "草稿" in page
    # Each link shown opens for the reader.
    for url in (row["unit_url"], row["queue_url"]):
        assert f'href="{url.replace("&", "&amp;")}"' in page
        assert client.get(url).status_code == 200


def test_the_page_in_english(client_as, cast, period, settings):  # noqa: F811
    settings.LANGUAGE_CODE = "en"
    client = client_as("leader")
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My liaison units" in page and "Waiting for your review" in page


@pytest.mark.parametrize("role", ["admin", "secretary_a", "secretary_b", "supervisor"])
def test_whoever_holds_no_liaison_post_is_refused(client_as, cast, role):
    assert client_as(role).get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client_as):
    assert client_as("anonymous").get(URL).status_code == 302


def test_the_menu_shows_the_entry_only_to_a_liaison_post_holder(client_as, cast, period):  # noqa: F811
    leader_page = client_as("leader").get(reverse("dashboard:index")).content.decode()
    assert f'href="{URL}"' in leader_page and "我的党建联系点" in leader_page
    # A leader with no liaison post: no entry.
    set_liaison(
        unit=cast.unit_b, post=cast.unit_a.liaisons.get().post, since=timezone.localdate() + datetime.timedelta(days=1)
    )
    other_page = client_as("other_leader").get(reverse("dashboard:index")).content.decode()
    assert f'href="{URL}"' not in other_page
    assert client_as("other_leader").get(URL).status_code == 403


def test_a_new_holder_of_the_liaison_post_inherits_the_units(client_as, cast, period):  # noqa: F811
    post = Post.objects.get(unit=cast.party_group, kind=PostKind.GROUP_MEMBER, holder=cast.leader)
    set_post_holder(post=post, person=cast.other_leader, since=timezone.localdate() + datetime.timedelta(days=1))
    assert client_as("leader").get(URL).status_code == 403
    rows = client_as("other_leader").get(URL).context["rows"]
    assert {row["unit"].pk for row in rows} == {cast.unit_a.pk, cast.unit_b.pk}
