"""Appraisal rounds choose appraisees by tenure overlap with the year (issue 12, item 8):
a secretary who served most of the year is appraised, even after handing the post on; one
who arrived last week is noted, not rated."""

import datetime

import pytest

from appraisals.services.rounds import create_round, tenures_in_year
from responsibilities.models import PostKind, Tenure
from responsibilities.services import set_post_holder
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_secretary_of_ten_months_is_appraised_the_newcomer_noted(cast):
    year = 2025
    post = cast.unit_a.posts.get(kind=PostKind.SECRETARY)
    Tenure.objects.filter(post=post).update(started=datetime.date(2024, 3, 1))
    newcomer = UserFactory(username="xin")
    set_post_holder(post=post, person=newcomer, since=datetime.date(year, 12, 24))
    appraised, noted = tenures_in_year(year)
    assert (cast.secretary_a.pk, post.pk) in {(t.person_id, t.post_id) for t in appraised}
    assert [(t.person_id, t.days_served) for t in noted] == [(newcomer.pk, 8)]
    round = create_round(year=year, actor=cast.admin)
    people = set(round.appraisees.values_list("person_id", flat=True))
    assert cast.secretary_a.pk in people and newcomer.pk not in people
