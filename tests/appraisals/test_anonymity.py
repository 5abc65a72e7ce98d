"""Nobody — not a leader, not an admin, not someone reading the database — can tell who
gave which rating. These tests try, the way such a person would."""

import hashlib
from io import BytesIO

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from appraisals import services
from appraisals.anonymity import ballot_token
from appraisals.models import Ballot, BallotBox, BallotScore, BallotToken
from tests.appraisals.conftest import vote_hand_example

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_the_ballot_tables_have_no_column_that_leads_to_a_person():
    for model in (Ballot, BallotScore, BallotToken, BallotBox):
        columns = {f.column for f in model._meta.concrete_fields}
        assert not {"user_id", "rater_id", "person_id", "created_at", "at", "token_id"} & columns, model
        for field in model._meta.concrete_fields:
            assert field.related_model is not User, f"{model.__name__}.{field.name} points to a person"
            assert field.related_model is not BallotToken, f"{model.__name__}.{field.name} joins to the token"
    # Ids are random, not a sequence that would give the order of voting away.
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    assert BallotBox._meta.pk.get_internal_type() == "UUIDField"
    assert BallotScore._meta.pk.get_internal_type() == "UUIDField"


def test_a_database_reader_cannot_compute_a_token_without_the_server_secret(panel, settings):
    rater = panel.leadership[0]
    panel.vote(rater, {panel.a: ["好", "好"]})
    stored = BallotToken.objects.get().token
    assert stored == ballot_token(round_id=panel.round.pk, rater_id=rater.pk)
    # The obvious guesses from what is in the database do not give the token.
    plain = f"{panel.round.pk}:{rater.pk}".encode()
    assert stored not in {hashlib.sha256(plain).hexdigest(), hashlib.md5(plain).hexdigest(), plain.hex()}
    settings.SECRET_KEY = "someone-elses-guess"
    assert ballot_token(round_id=panel.round.pk, rater_id=rater.pk) != stored


def test_ballots_are_not_admin_pages():
    for model in (Ballot, BallotScore, BallotToken, BallotBox):
        assert model not in admin.site._registry


def rater_names(panel):
    return [u.display_name for u in panel.raters] + [u.username for u in panel.raters]


def test_results_result_pages_and_export_show_no_rater(panel, cast, client):
    vote_hand_example(panel)
    services.close_round(round_id=panel.round.pk, actor=cast.admin)
    services.publish_round(round_id=panel.round.pk, actor=cast.admin)
    pages = {
        "leader": [
            reverse("appraisals:results", args=[panel.round.pk]),
            reverse("appraisals:result", args=[panel.a.pk]),
            reverse("appraisals:report", args=[panel.a.pk]),
        ],
        "secretary_a": [reverse("appraisals:my_appraisal"), reverse("appraisals:result", args=[panel.a.pk])],
        "supervisor": [
            reverse("appraisals:results", args=[panel.round.pk]),
            reverse("appraisals:result", args=[panel.a.pk]),
        ],
    }
    for role, urls in pages.items():
        viewer = getattr(cast, role)
        client.force_login(viewer)
        # Every rater's name, except the viewer's own (in the page header: the leader rated too).
        names = [n for n in rater_names(panel) if n not in {viewer.display_name, viewer.username}]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            for name in names:
                assert name not in response.content.decode(), (role, url, name)
    client.force_login(cast.leader)
    export = client.get(reverse("appraisals:results_export", args=[panel.round.pk]))
    cells = [str(c) for row in load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert "甲书记" in cells
    assert not any(name in cell for cell in cells for name in rater_names(panel))


def test_comments_are_shown_in_alphabetical_order_not_in_the_order_cast(panel, cast, client):
    vote_hand_example(panel)  # cast in the order 支部工作扎实, 会议记录需规范, 按期召开组织生活会
    services.close_round(round_id=panel.round.pk, actor=cast.admin)
    services.publish_round(round_id=panel.round.pk, actor=cast.admin)
    client.force_login(cast.secretary_a)
    text = client.get(reverse("appraisals:result", args=[panel.a.pk])).content.decode()
    shown = [c for c in sorted(["支部工作扎实", "会议记录需规范", "按期召开组织生活会"]) if c in text]
    assert len(shown) == 3
    assert [text.index(c) for c in shown] == sorted(text.index(c) for c in shown)


def test_who_has_voted_is_not_shown_to_the_admin(panel, cast, client):
    voter, abstainer = panel.committee[0], panel.committee[1]
    panel.vote(voter, {panel.a: ["好", "好"]})
    client.force_login(cast.admin)
    text = client.get(reverse("appraisals:round", args=[panel.round.pk])).content.decode()
    # Both are listed as raters the same way; only the count of sheets cast is shown.
    assert voter.display_name in text and abstainer.display_name in text
    assert "11.1% (1/9)" in text
    assert services.has_voted(round_id=panel.round.pk, user=voter)
