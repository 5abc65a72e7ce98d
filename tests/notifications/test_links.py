"""A notification's link is shown only while its page opens for the reader (DESIGN.md, "Who
sees what"): a secretary who handed on the post keeps the message, not a link to a 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from responsibilities.services import set_post_holder
from tests.assessments.pages import count_queries
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("notifications:list")
ONE_DAY = datetime.timedelta(days=1)


def tell(person, url, title):
    return Notification.objects.create(recipient=person, kind="report_return", title=title, url=url)


def links_on(client) -> str:
    return client.get(URL).content.decode()


def test_a_link_to_a_report_of_a_unit_one_no_longer_holds_is_text(client_as, cast, report_a, report_b):
    own = reverse("assessments:report", args=[report_a.pk])
    other = reverse("assessments:report", args=[report_b.pk])
    tell(cast.secretary_a, own, "甲支部报告已退回")
    tell(cast.secretary_a, other, "乙支部报告")  # made by mistake, or before a move
    page = links_on(client_as("secretary_a"))
    assert f'href="{own}"' in page and f'href="{other}"' not in page and "乙支部报告" in page

    post = cast.unit_a.posts.get(title="支部书记")
    set_post_holder(post=post, person=UserFactory(username="next_sec"), since=timezone.localdate() + ONE_DAY)
    page = links_on(client_as("secretary_a"))
    assert f'href="{own}"' not in page and "甲支部报告已退回" in page  # the message stays


def test_links_to_dashboards_and_units_follow_the_scope(client_as, cast):
    mine = reverse("dashboard:index") + f"?period=1&unit={cast.unit_a.pk}#exports"
    theirs = reverse("assessments:unit", args=[cast.unit_b.pk])
    tell(cast.secretary_a, mine, "导出完成")
    tell(cast.secretary_a, theirs, "乙支部")
    page = links_on(client_as("secretary_a"))
    assert f'href="{mine.replace("&", "&amp;")}"' in page and f'href="{theirs}"' not in page
    tell(cast.leader, theirs, "乙支部")
    assert f'href="{theirs}"' in links_on(client_as("leader"))


def test_checking_the_links_costs_one_query_per_kind_of_link(client_as, cast, report_a):
    client = client_as("secretary_a")
    tell(cast.secretary_a, reverse("assessments:report", args=[report_a.pk]), "一")
    client.get(URL)
    before = count_queries(client, URL)
    for n in range(20):
        tell(cast.secretary_a, reverse("assessments:report", args=[report_a.pk + n]), f"报告{n}")
        tell(cast.secretary_a, reverse("assessments:unit", args=[cast.unit_a.pk]), f"单位{n}")
    assert count_queries(client, URL) <= before + 2  # + the unit pages' check, + marking read
