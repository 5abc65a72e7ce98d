import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from core.errors import TransitionError
from notifications.models import Notification
from oversight import permissions, services
from oversight.models import SupervisionNotice
from tests.oversight.conftest import in_days, photo

pytestmark = pytest.mark.django_db
State = SupervisionNotice.State


def test_issued_numbered_and_told_to_the_unit(cast, notice):
    assert (notice.year, notice.number) == (timezone.localdate().year, 1)
    assert str(notice) == f"督办〔{notice.year}〕1号"
    assert Notification.objects.filter(recipient=cast.secretary_a, kind="notice_issued").exists()
    assert not Notification.objects.filter(recipient=cast.leader).exists()  # the issuer is not told of his own act


def test_reply_press_again_reply_close(cast, notice):
    services.reply_to_notice(notice_id=notice.pk, actor=cast.secretary_a, reply="已补报", uploads=[photo()])
    notice.refresh_from_db()
    assert notice.state == State.REPLIED and notice.replied_by == cast.secretary_a
    assert notice.attachments.count() == 1
    assert Notification.objects.filter(recipient=cast.leader, kind="notice_replied").exists()
    with pytest.raises(TransitionError):
        services.press_notice(notice_id=notice.pk, actor=cast.leader, comment="原因说明不充分", deadline=None)
    services.press_notice(notice_id=notice.pk, actor=cast.leader, comment="原因说明不充分", deadline=in_days(3))
    notice.refresh_from_db()
    assert (notice.state, notice.pressed, notice.deadline) == (State.ISSUED, 1, in_days(3))
    services.reply_to_notice(notice_id=notice.pk, actor=cast.secretary_a, reply="补充说明")
    services.close_notice(notice_id=notice.pk, actor=cast.leader)
    notice.refresh_from_db()
    assert notice.state == State.CLOSED
    steps = list(notice.events.values_list("action", "actor__username"))
    assert steps == [
        ("issue", "leader_t"),
        ("reply", "sec_a"),
        ("press", "leader_t"),
        ("reply", "sec_a"),
        ("close", "leader_t"),
    ]
    with pytest.raises(TransitionError):
        services.reply_to_notice(notice_id=notice.pk, actor=cast.secretary_a, reply="再回复")


def test_who_may_issue_reply_and_settle(cast, notice):
    with pytest.raises(PermissionDenied):
        services.issue_notice(actor=cast.secretary_a, unit=cast.unit_b, subject="x", body="y", deadline=in_days(3))
    for person in (cast.admin, cast.supervisor, cast.other_leader):
        services.issue_notice(actor=person, unit=cast.unit_b, subject="督办", body="请办理", deadline=in_days(3))
    for person in (cast.secretary_b, cast.leader, cast.supervisor):
        with pytest.raises(PermissionDenied):
            services.reply_to_notice(notice_id=notice.pk, actor=person, reply="代回复")
    for person in (cast.other_leader, cast.supervisor, cast.secretary_a):
        with pytest.raises(PermissionDenied):
            services.close_notice(notice_id=notice.pk, actor=person)
    services.close_notice(notice_id=notice.pk, actor=cast.admin)  # an admin may stand in


def test_listed_for_the_issuer_the_unit_and_leadership_only(cast, notice):
    for person in (cast.leader, cast.other_leader, cast.admin, cast.supervisor, cast.secretary_a):
        assert notice in permissions.notices_visible_to(person)
    assert notice not in permissions.notices_visible_to(cast.secretary_b)
    with pytest.raises(Http404):
        permissions.get_notice_for(cast.secretary_b, notice.pk)


def test_a_notice_about_a_report_goes_to_that_reports_unit(cast, report_a):
    with pytest.raises(TransitionError):
        services.issue_notice(
            actor=cast.admin, unit=cast.unit_b, subject="报告", body="请整改", deadline=in_days(3), report=report_a
        )
    assert not SupervisionNotice.objects.exists()
