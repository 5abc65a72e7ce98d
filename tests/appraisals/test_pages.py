"""Every 述职评议 page × every role: who gets it, who gets 403/404, and the login page for
an anonymous visitor; with their query counts pinned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from appraisals import services
from appraisals.models import AppraisalRound
from tests.appraisals.conftest import build_panel, vote_hand_example
from tests.conftest import ROLE_NAMES
from tests.factories import PostFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
LEADERSHIP = {"admin": 200, "leader": 200, "other_leader": 200, "supervisor": 200}
SECRETARIES_403 = {"secretary_a": 403, "secretary_b": 403}


def expect(response, role, table):
    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    else:
        assert response.status_code == table[role], (response.request["PATH_INFO"], role, response.status_code)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_pages_of_an_open_round(client_as, panel, role):
    r, a = panel.round.pk, panel.a.pk
    pages = {
        reverse("appraisals:my_appraisal"): dict.fromkeys(ROLE_NAMES, 200),
        reverse("appraisals:rounds"): {**LEADERSHIP, **SECRETARIES_403},
        reverse("appraisals:round_new"): {
            **LEADERSHIP,
            **SECRETARIES_403,
            "leader": 403,
            "other_leader": 403,
            "supervisor": 403,
        },
        reverse("appraisals:round", args=[r]): {**LEADERSHIP, "secretary_a": 404, "secretary_b": 404},
        # Raters only (the two leaders of the cast rate in the panel).
        reverse("appraisals:rate", args=[r]): {
            "admin": 403,
            "leader": 200,
            "other_leader": 200,
            "supervisor": 403,
            "secretary_a": 404,
            "secretary_b": 404,
        },
        reverse("appraisals:report", args=[a]): {**LEADERSHIP, "secretary_a": 200, "secretary_b": 404},
        # Not closed yet: nobody sees results; the secretary's own result waits for publication.
        reverse("appraisals:results", args=[r]): {
            **LEADERSHIP,
            "admin": 403,
            "leader": 403,
            "other_leader": 403,
            "supervisor": 403,
            "secretary_a": 404,
            "secretary_b": 404,
        },
        reverse("appraisals:result", args=[a]): {
            **LEADERSHIP,
            "admin": 403,
            "leader": 403,
            "other_leader": 403,
            "supervisor": 403,
            "secretary_a": 403,
            "secretary_b": 404,
        },
    }
    client = client_as(role)
    for url, table in pages.items():
        expect(client.get(url), role, table)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_pages_of_a_published_round(client_as, panel, cast, role):
    vote_hand_example(panel)
    services.close_round(round_id=panel.round.pk, actor=cast.admin)
    services.publish_round(round_id=panel.round.pk, actor=cast.admin)
    r = panel.round.pk
    pages = {
        reverse("appraisals:results", args=[r]): {**LEADERSHIP, "secretary_a": 404, "secretary_b": 404},
        reverse("appraisals:results_export", args=[r]): {**LEADERSHIP, "secretary_a": 404, "secretary_b": 404},
        reverse("appraisals:result", args=[panel.a.pk]): {**LEADERSHIP, "secretary_a": 200, "secretary_b": 404},
        reverse("appraisals:rate", args=[r]): {
            "admin": 403,
            "leader": 302,
            "other_leader": 302,
            "supervisor": 403,
            "secretary_a": 404,
            "secretary_b": 404,
        },
    }
    client = client_as(role)
    for url, table in pages.items():
        expect(client.get(url), role, table)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_setup_pages_of_a_draft_round_are_the_admins(client_as, draft_panel, role):
    r = draft_panel.round.pk
    table = {**SECRETARIES_403, "admin": 200, "leader": 403, "other_leader": 403, "supervisor": 403}
    table_404 = {**table, "secretary_a": 404, "secretary_b": 404}
    client = client_as(role)
    expect(client.get(reverse("appraisals:round_edit", args=[r])), role, table_404)
    expect(client.get(reverse("appraisals:participants", args=[r])), role, table_404)
    post = client.post(reverse("appraisals:open", args=[r]))
    expect(post, role, {**table_404, "admin": 302})


def page_urls(panel):
    r, a = panel.round.pk, panel.a.pk
    # The admin's pages count one more than before issue 12: does the admin carry a post
    # (我的责任 in the menu)?
    return [
        ("admin", reverse("appraisals:rounds"), 6),
        ("admin", reverse("appraisals:round", args=[r]), 11),
        ("admin", reverse("appraisals:results", args=[r]), 9),
        ("admin", reverse("appraisals:results_export", args=[r]), 7),
        ("admin", reverse("appraisals:result", args=[a]), 12),
        ("admin", reverse("appraisals:report", args=[a]), 8),
        ("secretary_a", reverse("appraisals:my_appraisal"), 6),
        ("secretary_a", reverse("appraisals:report", args=[a]), 7),
    ]


def count_queries(client_as, panel):
    counts = []
    for role, url, _limit in page_urls(panel):
        client = client_as(role)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts.append(len(queries))
    return counts


def test_page_query_counts_are_pinned(client_as, panel, cast, django_assert_max_num_queries):
    vote_hand_example(panel)
    services.close_round(round_id=panel.round.pk, actor=cast.admin)
    for role, url, limit in page_urls(panel):
        client = client_as(role)
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


def test_page_query_counts_do_not_grow_with_secretaries_raters_and_ballots(client_as, cast):
    small = build_panel(cast)
    vote_hand_example(small)
    services.close_round(round_id=small.round.pk, actor=cast.admin)
    before = count_queries(client_as, small)
    AppraisalRound.objects.filter(pk=small.round.pk).update(year=1999)  # make room for another round

    for n in range(6):  # six more branches and secretaries, all appraised and all rated
        unit = UnitFactory(code=f"ZBX{n}", parent=cast.committee)
        PostFactory(unit=unit, title="支部书记", held_by=UserFactory(username=f"more{n}", roles=[roles.SECRETARY]))
    big = build_panel(cast, code="ZBD", everyone=True)
    vote_hand_example(big)  # the six others get a blank (invalid) ballot from every rater
    services.close_round(round_id=big.round.pk, actor=cast.admin)
    assert big.round.appraisees.count() == 2 + 2 + 6  # A, B, both C's, six more
    assert count_queries(client_as, big) == before


def test_pages_speak_chinese_and_english(client_as, panel):
    client = client_as("leader")
    assert "匿名" in client.get(reverse("appraisals:rate", args=[panel.round.pk])).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = client.get(reverse("appraisals:rate", args=[panel.round.pk])).content.decode()
    assert "Your ballot is anonymous" in text and "Cast my ballots" in text
    assert "Appraisal of branch secretaries" in client.get(reverse("appraisals:rounds")).content.decode()


def test_bad_ids_are_404_not_500(client_as):
    client = client_as("admin")
    for url in ("/appraisals/rounds/999999/", "/appraisals/secretaries/999999/", "/appraisals/evidence/999999/"):
        assert client.get(url).status_code == 404
    assert client.post("/appraisals/rounds/999999/open/").status_code == 404
