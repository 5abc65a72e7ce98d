"""Every 整改 and 督办 page × every role, with pinned query counts."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from oversight import services
from tests.conftest import ROLE_NAMES
from tests.oversight.conftest import in_days, photo

pytestmark = pytest.mark.django_db
EVERYONE = dict.fromkeys(["admin", "leader", "other_leader", "supervisor", "secretary_a", "secretary_b"], 200)


def expect(response, role, table):
    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    else:
        assert response.status_code == table[role], (response.request["PATH_INFO"], role, response.status_code)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_pages_answer_each_role(client_as, rectification, notice, returned_report, role):
    unit_a_only = {**EVERYONE, "secretary_b": 404}
    raisers = {**EVERYONE, "secretary_a": 403, "secretary_b": 403}
    pages = {
        reverse("oversight:rectifications"): EVERYONE,
        reverse("oversight:notices"): EVERYONE,
        reverse("oversight:rectification", args=[rectification.pk]): unit_a_only,
        reverse("oversight:notice", args=[notice.pk]): unit_a_only,
        reverse("oversight:rectification_new"): raisers,
        reverse("oversight:notice_new"): raisers,
        # From unit A's report: its liaison leader, admins and supervisors.
        reverse("oversight:raise_from_report", args=[returned_report.pk]): {
            **raisers,
            "other_leader": 403,
            "secretary_b": 404,
        },
        reverse("oversight:raise_from_notice", args=[notice.pk]): {**raisers, "other_leader": 403, "secretary_b": 404},
    }
    client = client_as(role)
    for url, table in pages.items():
        expect(client.get(url), role, table)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_actions_answer_each_role(client_as, cast, rectification, notice, role):
    client = client_as(role)
    done = client.post(reverse("oversight:report_done", args=[rectification.pk]), {"completion": "已改"})
    expect(
        done,
        role,
        {
            **EVERYONE,
            "admin": 403,
            "leader": 403,
            "other_leader": 403,
            "supervisor": 403,
            "secretary_a": 400,
            "secretary_b": 404,
        },
    )
    reply = client.post(reverse("oversight:reply", args=[notice.pk]), {"reply": ""})
    expect(
        reply,
        role,
        {
            **EVERYONE,
            "admin": 403,
            "leader": 403,
            "other_leader": 403,
            "supervisor": 403,
            "secretary_a": 400,
            "secretary_b": 404,
        },
    )
    press = client.post(reverse("oversight:settle", args=[notice.pk]), {"action": "press", "comment": "再督办"})
    # The issuer (leader) and an admin may; without a new deadline the form says so (400).
    expect(
        press,
        role,
        {
            **EVERYONE,
            "admin": 400,
            "leader": 400,
            "other_leader": 403,
            "supervisor": 403,
            "secretary_a": 403,
            "secretary_b": 404,
        },
    )
    rectification.refresh_from_db()
    notice.refresh_from_db()
    assert rectification.state == "open" and notice.state == "issued" and notice.pressed == 0


def test_the_full_loop_through_the_pages(client_as, cast, rectification):
    secretary = client_as("secretary_a")
    url = reverse("oversight:rectification", args=[rectification.pk])
    response = secretary.post(
        reverse("oversight:report_done", args=[rectification.pk]), {"completion": "已补齐记录", "files": [photo()]}
    )
    assert response.status_code == 302
    assert "已通知联系领导验收" in secretary.get(url).content.decode()
    leader = client_as("leader")
    page = leader.get(url).content.decode()
    assert "整改照片.png" in page and "验收销号" in page
    leader.post(reverse("oversight:verify", args=[rectification.pk]), {"action": "verify"})
    rectification.refresh_from_db()
    assert rectification.state == "closed"
    assert "已验收销号，已通知甲党支部" in leader.get(url).content.decode()
    attachment = rectification.attachments.get()
    assert leader.get(reverse("oversight:attachment", args=[attachment.pk])).status_code == 200
    assert client_as("secretary_b").get(reverse("oversight:attachment", args=[attachment.pk])).status_code == 404


def test_issue_from_the_form_numbers_the_notice(client_as, cast):
    client = client_as("supervisor")
    form = {"unit": cast.unit_b.pk, "matter": "other", "subject": "台账", "body": "请整理台账", "deadline": in_days(5)}
    response = client.post(reverse("oversight:notice_new"), form, follow=True)
    assert "督办〔" in response.content.decode() and "已发出，已通知乙党支部" in response.content.decode()
    bad = client.post(reverse("oversight:notice_new"), {**form, "deadline": in_days(-1)})
    assert bad.status_code == 200 and "期限不能早于今天" in bad.content.decode()


def test_list_filters_live_in_the_url(client_as, cast, rectification):
    services.raise_rectification(
        actor=cast.admin, unit=cast.unit_b, problem="乙的问题", measure="改", deadline=in_days(3)
    )
    client = client_as("admin")
    page = client.get(reverse("oversight:rectifications"), {"unit": cast.unit_b.pk}).content.decode()
    assert "乙的问题" in page and "缺少会议记录" not in page
    assert "缺少会议记录" not in client_as("secretary_b").get(reverse("oversight:rectifications")).content.decode()
    assert client.get(reverse("oversight:rectifications"), {"unit": "x", "state": "nope"}).status_code == 200


def test_query_counts_are_pinned_and_do_not_grow(
    client_as, cast, rectification, notice, returned_report, django_assert_max_num_queries
):
    pages = [
        (reverse("oversight:rectifications"), 8),
        (reverse("oversight:notices"), 8),
        # + who holds the unit's liaison post now (a dated row), for the leader's buttons
        (reverse("oversight:rectification", args=[rectification.pk]), 11),
        (reverse("oversight:notice", args=[notice.pk]), 11),
    ]
    raising = [
        (reverse("oversight:rectification_new"), 9),  # + the liaison of the units offered
        (reverse("oversight:notice_new"), 7),  # + whether the leader carries a post (我的责任)
        (
            reverse("oversight:raise_from_report", args=[returned_report.pk]),
            12,
        ),  # + the liaison, + 我的责任, + the post
    ]

    def check():
        # Maxima for every role: the leader's pages count one more (the 待审核 badge).
        for role in ("admin", "leader", "supervisor", "secretary_a"):
            client = client_as(role)
            for url, limit in pages + ([] if role == "secretary_a" else raising):
                with django_assert_max_num_queries(limit):
                    assert client.get(url).status_code == 200, (role, url)

    check()
    for n in range(8):  # more rectifications and notices, with events and files
        more = services.raise_rectification(
            actor=cast.admin, unit=cast.unit_a, problem=f"问题{n}", measure="改", deadline=in_days(n)
        )
        services.report_rectification_done(
            rectification_id=more.pk, actor=cast.secretary_a, completion="已改", uploads=[photo()]
        )
        services.issue_notice(actor=cast.admin, unit=cast.unit_a, subject=f"督办{n}", body="办", deadline=in_days(n))
    services.report_rectification_done(
        rectification_id=rectification.pk, actor=cast.secretary_a, completion="已改", uploads=[photo(), photo("二.png")]
    )
    services.reply_to_notice(notice_id=notice.pk, actor=cast.secretary_a, reply="已办", uploads=[photo()])
    check()


def test_report_page_include_offers_the_actions_to_those_who_may(cast, returned_report, rectification):
    template = Template('{% include "oversight/_report_actions.html" %}')
    for person, can_raise in ((cast.leader, True), (cast.other_leader, False), (cast.secretary_a, False)):
        request = RequestFactory().get("/")
        request.user = person
        html = template.render(Context({"report": returned_report, "request": request}))
        assert "缺少会议记录" in html  # the rectification raised on it
        assert (reverse("oversight:raise_from_report", args=[returned_report.pk]) in html) is can_raise


def test_english_pages(client_as, notice):
    client = client_as("leader")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("oversight:notices")).content.decode()
    assert "Supervision notices" in page and f"Notice [{notice.year}] No. 1" in page
