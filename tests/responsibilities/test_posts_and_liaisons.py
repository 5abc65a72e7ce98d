"""Assignments to posts, deputies, and liaisons as dated facts (issue 12, items 1 and 2)."""

import datetime

import pytest
from django.urls import reverse

from responsibilities import access
from responsibilities.models import Assignment, Deputy, Liaison, PostKind
from responsibilities.services import assign_by_subject, set_liaison, set_post_holder
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_each_members_duty_goes_to_every_member_post_and_the_all_duty_to_the_secretary_too(cast):
    second = PostFactory(unit=cast.party_group, kind=PostKind.GROUP_MEMBER, title="党组成员（二）")
    assign_by_subject(checklist=cast.checklist)
    members = set(cast.party_group.posts.filter(kind=PostKind.GROUP_MEMBER).values_list("pk", flat=True))
    assert second.pk in members
    carried = set(Assignment.objects.filter(duty__code="O-02").values_list("post_id", flat=True))
    assert carried == members  # 一岗双责: one each, not one for the 党组
    secretary = cast.party_group.posts.get(kind=PostKind.SECRETARY)
    assert set(Assignment.objects.filter(duty__code="D-04").values_list("post_id", flat=True)) == members | {
        secretary.pk
    }
    assert all(a.unit_id == a.post.unit_id for a in Assignment.objects.select_related("post"))


def test_only_the_carrying_posts_holder_or_a_dated_deputy_files(cast):
    post = cast.unit_a.posts.get(kind=PostKind.SECRETARY)
    member = UserFactory(username="zuzhi")
    PostFactory(unit=cast.unit_a, kind=PostKind.MEMBER, title="组织委员", held_by=member)
    assert access.may_file(cast.secretary_a, post.pk)
    assert not access.may_file(member, post.pk)  # reads, does not write
    assert access.may_see_unit(member, cast.unit_a)
    clerk = UserFactory(username="dangwu")
    today = datetime.date.today()
    Deputy.objects.create(post=post, person=clerk, started=today - DAY, ended=today + DAY, note="党务干事")
    assert access.may_file(clerk, post.pk)
    Deputy.objects.filter(person=clerk).update(ended=today - DAY)
    clerk = type(clerk).objects.get(pk=clerk.pk)  # a new request
    assert not access.may_file(clerk, post.pk)


def test_the_liaison_is_whoever_holds_the_liaison_post_now(cast):
    post = Liaison.objects.get(unit=cast.unit_a, ended__isnull=True).post
    assert cast.unit_a.liaison == cast.leader
    newcomer = UserFactory(username="xinren")
    set_post_holder(post=post, person=newcomer, since=datetime.date.today() + DAY)
    unit = type(cast.unit_a).objects.get(pk=cast.unit_a.pk)
    assert unit.liaison == newcomer  # inherits the role with the seat
    assert not access.is_liaison_of(cast.leader, unit)


def test_a_liaison_change_keeps_its_history(cast):
    other = cast.party_group.posts.get(kind=PostKind.SECRETARY)
    first = Liaison.objects.get(unit=cast.unit_a, ended__isnull=True)
    since = first.started + 10 * DAY
    set_liaison(unit=cast.unit_a, post=other, since=since)
    rows = list(Liaison.objects.filter(unit=cast.unit_a).order_by("started"))
    assert [(r.post_id, r.ended) for r in rows] == [(first.post_id, since - DAY), (other.pk, None)]
    with pytest.raises(ValueError):
        set_liaison(unit=cast.unit_a, post=first.post, since=since)


def test_the_admin_changes_a_liaison_and_a_portfolio_with_dates(client_as, cast, django_assert_max_num_queries):
    client = client_as("admin")
    url = reverse("responsibilities:liaisons")
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    other = cast.party_group.posts.get(kind=PostKind.SECRETARY)
    since = datetime.date.today() + 5 * DAY
    response = client.post(url, {"action": "liaison", "unit": cast.unit_a.pk, "post": other.pk, "since": since})
    assert response.status_code == 302
    assert Liaison.objects.get(unit=cast.unit_a, ended__isnull=True).post == other
    member = cast.party_group.posts.get(kind=PostKind.GROUP_MEMBER)
    client.post(url, {"action": "portfolio", "post": member.pk, "portfolio": "组织人事\n 机关党建 "})
    member.refresh_from_db()
    assert member.portfolio == "组织人事\n机关党建"
    page = client.get(url).content.decode()
    assert "组织人事" in page and "甲党支部" in page


def test_bad_liaison_input_is_400_and_changes_nothing(client_as, cast):
    before = list(Liaison.objects.values_list("pk", "post_id", "ended"))
    client = client_as("admin")
    url = reverse("responsibilities:liaisons")
    assert client.post(url, {"action": "liaison", "unit": "x", "post": 999999, "since": "nope"}).status_code == 400
    assert client.post(url, {"action": "bogus"}).status_code == 400
    assert list(Liaison.objects.values_list("pk", "post_id", "ended")) == before


@pytest.mark.parametrize("role", ["leader", "other_leader", "secretary_a", "supervisor"])
def test_only_admins_edit_liaisons(client_as, role):
    assert client_as(role).get(reverse("responsibilities:liaisons")).status_code == 403
