import pytest
from django.core.exceptions import PermissionDenied

from core.attachments import EvidenceError
from core.errors import TransitionError
from notifications.models import Notification
from oversight import services
from oversight.models import Rectification
from tests.oversight.conftest import in_days, photo

pytestmark = pytest.mark.django_db
State = Rectification.State


def test_raised_from_a_returned_report_it_goes_to_the_post_that_carries_it(cast, rectification, returned_report):
    assert rectification.source == Rectification.Source.REPORT and rectification.report == returned_report
    assert rectification.post == returned_report.assignment.post and rectification.post.holder == cast.secretary_a
    assert rectification.state == State.OPEN and rectification.raised_by == cast.leader
    note = Notification.objects.get(recipient=cast.secretary_a, kind="rectification_raised")
    assert "甲党支部" in note.title and "缺少会议记录" in note.body


def test_done_sent_back_done_again_verified(cast, rectification):
    with pytest.raises(TransitionError, match="佐证材料"):
        services.report_rectification_done(rectification_id=rectification.pk, actor=cast.secretary_a, completion="已补")
    services.report_rectification_done(
        rectification_id=rectification.pk, actor=cast.secretary_a, completion="已补齐", uploads=[photo()]
    )
    assert Notification.objects.filter(recipient=cast.leader, kind="rectification_reported").exists()
    with pytest.raises(TransitionError):
        services.send_back_rectification(rectification_id=rectification.pk, actor=cast.leader, comment=" ")
    services.send_back_rectification(
        rectification_id=rectification.pk, actor=cast.leader, comment="记录缺签名", deadline=in_days(5)
    )
    rectification.refresh_from_db()
    assert rectification.state == State.OPEN and rectification.deadline == in_days(5)
    # The earlier file still counts as evidence; a second report needs no new one.
    services.report_rectification_done(rectification_id=rectification.pk, actor=cast.secretary_a, completion="已补签名")
    services.verify_rectification(rectification_id=rectification.pk, actor=cast.leader, comment="符合要求")
    rectification.refresh_from_db()
    assert rectification.state == State.CLOSED and rectification.closed_at is not None
    steps = list(rectification.events.values_list("action", "actor__username", "from_state", "to_state"))
    assert steps == [
        ("raise", "leader_t", "", "open"),
        ("report_done", "sec_a", "open", "reported"),
        ("send_back", "leader_t", "reported", "open"),
        ("report_done", "sec_a", "open", "reported"),
        ("verify", "leader_t", "reported", "closed"),
    ]
    kinds = set(Notification.objects.filter(recipient=cast.secretary_a).values_list("kind", flat=True))
    assert {"rectification_raised", "rectification_sent_back", "rectification_closed"} <= kinds


def test_who_may_raise_for_which_unit(cast):
    kwargs = {"problem": "问题", "measure": "措施", "deadline": in_days(3)}
    for person in (cast.other_leader, cast.secretary_a, cast.secretary_b):
        with pytest.raises(PermissionDenied):
            services.raise_rectification(actor=person, unit=cast.unit_a, **kwargs)
    for person in (cast.leader, cast.admin, cast.supervisor):
        assert services.raise_rectification(actor=person, unit=cast.unit_a, **kwargs).source == "manual"


def test_only_the_unit_reports_done_and_only_the_raiser_or_an_admin_verifies(cast, rectification):
    for person in (cast.secretary_b, cast.leader, cast.supervisor):
        with pytest.raises(PermissionDenied):
            services.report_rectification_done(
                rectification_id=rectification.pk, actor=person, completion="已改", uploads=[photo()]
            )
    services.report_rectification_done(
        rectification_id=rectification.pk, actor=cast.secretary_a, completion="已改", uploads=[photo()]
    )
    for person in (cast.other_leader, cast.supervisor, cast.secretary_a):
        with pytest.raises(PermissionDenied):
            services.verify_rectification(rectification_id=rectification.pk, actor=person)
    services.verify_rectification(rectification_id=rectification.pk, actor=cast.admin)  # standing in
    with pytest.raises(TransitionError, match="已销号"):
        services.verify_rectification(rectification_id=rectification.pk, actor=cast.leader)


def test_bad_input_is_refused_and_changes_nothing(cast, returned_report, report_b):
    base = {"actor": cast.admin, "problem": "问题", "measure": "措施"}
    with pytest.raises(TransitionError):
        services.raise_rectification(unit=cast.unit_a, deadline=in_days(-1), **base)
    with pytest.raises(TransitionError):
        services.raise_rectification(unit=cast.unit_a, deadline=in_days(3), **{**base, "problem": "  "})
    with pytest.raises(TransitionError):  # unit B's post for unit A
        services.raise_rectification(unit=cast.unit_a, deadline=in_days(3), post=report_b.assignment.post, **base)
    with pytest.raises(TransitionError):  # unit A's report, but unit B
        services.raise_rectification(unit=cast.unit_b, deadline=in_days(3), report=returned_report, **base)
    assert not Rectification.objects.exists()


def test_one_bad_file_among_several_stores_none(cast, rectification, tmp_path):
    fake = photo("假.pdf")  # PNG bytes under a .pdf name
    with pytest.raises(EvidenceError):
        services.report_rectification_done(
            rectification_id=rectification.pk, actor=cast.secretary_a, completion="已改", uploads=[photo(), fake]
        )
    rectification.refresh_from_db()
    assert rectification.state == State.OPEN and not rectification.attachments.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # nothing left on disk either
