import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from responsibilities.models import Assignment
from responsibilities.services import set_post_holder
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reading_a_subtree_is_one_query_whatever_its_size(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = [u.code for u in cast.party_group.subtree()]
    assert codes[0] == "DZ" and {"ZBA", "ZBB", "JJZ", "JGDW"} <= set(codes)
    with django_assert_num_queries(1):
        assert [u.code for u in cast.committee.subtree()] == ["JGDW", "ZBA", "ZBB"]


def test_new_holder_takes_over_the_duties_and_history_stays(cast):
    post = cast.unit_a.posts.get(title="支部书记")
    carried = set(Assignment.objects.filter(post=post).values_list("pk", flat=True))
    newcomer = UserFactory(username="newcomer")
    since = timezone.localdate() + datetime.timedelta(days=30)
    set_post_holder(post=post, person=newcomer, since=since)
    post.refresh_from_db()
    assert post.holder == newcomer
    tenures = list(post.tenures.order_by("started"))
    assert [t.person for t in tenures] == [cast.secretary_a, newcomer]
    assert tenures[0].ended == since - datetime.timedelta(days=1)
    assert set(Assignment.objects.filter(post=post).values_list("pk", flat=True)) == carried
    assert post.history.count() >= 2


def test_a_duty_is_given_to_a_unit_only_once(cast):
    existing = Assignment.objects.filter(unit=cast.unit_a).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(duty=existing.duty, unit=cast.unit_a, post=existing.post)


def test_a_holder_cannot_start_before_the_current_one(cast):
    post = cast.unit_a.posts.get(title="支部书记")
    with pytest.raises(ValueError):
        set_post_holder(post=post, person=UserFactory(), since=timezone.localdate() - datetime.timedelta(days=400))
    assert post.tenures.count() == 1
