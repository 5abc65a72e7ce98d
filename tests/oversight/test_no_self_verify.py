"""No one verifies (销号) a rectification or closes a notice of a unit in which they hold a
post, nor closes a notice whose reply they wrote — admins included (DESIGN.md, "Who sees
what"). The page says why and offers no form; a forced request is refused, nothing changes."""

import pytest
from django.urls import reverse

from oversight import services
from oversight.models import Rectification, SupervisionNotice
from tests.factories import PostFactory
from tests.oversight.conftest import photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_in_a(cast):
    PostFactory(unit=cast.unit_a, title="组织委员", held_by=cast.admin)
    return cast.admin


@pytest.fixture
def reported(cast, rectification):
    services.report_rectification_done(
        rectification_id=rectification.pk, actor=cast.secretary_a, completion="已补齐", uploads=[photo()]
    )
    return rectification


@pytest.fixture
def replied(cast, notice):
    services.reply_to_notice(notice_id=notice.pk, actor=cast.secretary_a, reply="已补报")
    return notice


def test_an_admin_holding_a_post_in_the_unit_may_not_verify_its_rectification(client, reported, admin_in_a):
    client.force_login(admin_in_a)
    page = client.get(reverse("oversight:rectification", args=[reported.pk])).content.decode()
    assert "您在甲党支部任职" in page and reverse("oversight:verify", args=[reported.pk]) not in page
    response = client.post(reverse("oversight:verify", args=[reported.pk]), {"comment": "已核实"})
    assert response.status_code == 403 and "您在甲党支部任职" in response.content.decode()
    assert Rectification.objects.get(pk=reported.pk).state == Rectification.State.REPORTED


def test_the_raiser_holding_a_post_in_the_unit_may_not_verify_either(client, cast, reported):
    PostFactory(unit=cast.unit_a, title="宣传委员", held_by=cast.leader)
    client.force_login(cast.leader)
    assert client.post(reverse("oversight:verify", args=[reported.pk]), {"comment": "已核实"}).status_code == 403
    assert Rectification.objects.get(pk=reported.pk).state == Rectification.State.REPORTED


def test_an_admin_holding_a_post_in_the_unit_may_not_close_its_notice(client, replied, admin_in_a):
    client.force_login(admin_in_a)
    page = client.get(reverse("oversight:notice", args=[replied.pk])).content.decode()
    assert "您在甲党支部任职" in page and reverse("oversight:settle", args=[replied.pk]) not in page
    response = client.post(reverse("oversight:settle", args=[replied.pk]), {"comment": "办结"})
    assert response.status_code == 403
    assert SupervisionNotice.objects.get(pk=replied.pk).state == SupervisionNotice.State.REPLIED


def test_who_wrote_the_reply_may_not_close_the_notice(client, cast, notice):
    """An admin who replied for the unit while holding its post, then left it."""
    post = PostFactory(unit=cast.unit_a, title="副书记", held_by=cast.admin)
    services.reply_to_notice(notice_id=notice.pk, actor=cast.admin, reply="已补报")
    type(post).objects.filter(pk=post.pk).update(holder=None)
    client.force_login(cast.admin)
    assert client.post(reverse("oversight:settle", args=[notice.pk]), {"comment": "办结"}).status_code == 403
    assert SupervisionNotice.objects.get(pk=notice.pk).state == SupervisionNotice.State.REPLIED
    client.force_login(cast.leader)  # the issuer, with no post there
    assert client.post(reverse("oversight:settle", args=[notice.pk]), {"comment": "办结"}).status_code == 302
    assert SupervisionNotice.objects.get(pk=notice.pk).state == SupervisionNotice.State.CLOSED
