import pytest
from django.core.exceptions import PermissionDenied

from assessments import services
from assessments.models import Report, ReportEvent

pytestmark = pytest.mark.django_db
State = Report.State


def submit(report, cast, text="召开专题会议 2 次"):
    return services.submit_report(report_id=report.pk, actor=cast.secretary_a, content=text)


def test_draft_submit_return_resubmit_approve(cast, report_a):
    submit(report_a, cast)
    services.return_report(report_id=report_a.pk, actor=cast.leader, comment="请补充会议纪要")
    submit(report_a, cast, "补充了会议纪要")
    services.approve_report(report_id=report_a.pk, actor=cast.leader, grade="good")
    report_a.refresh_from_db()
    assert report_a.state == State.APPROVED and report_a.grade == "good"
    assert report_a.reviewer == cast.leader and report_a.responsible == cast.secretary_a
    steps = list(report_a.events.values_list("action", "from_state", "to_state", "actor__username"))
    assert steps == [
        ("submit", "draft", "submitted", "sec_a"),
        ("return", "submitted", "returned", "leader_t"),
        ("submit", "returned", "submitted", "sec_a"),
        ("approve", "submitted", "approved", "leader_t"),
    ]
    assert report_a.events.get(action="return").comment == "请补充会议纪要"


def test_admin_reopens_an_approved_report_with_a_reason(cast, report_a):
    submit(report_a, cast)
    services.approve_report(report_id=report_a.pk, actor=cast.admin, grade="excellent")
    with pytest.raises(services.TransitionError):
        services.reopen_report(report_id=report_a.pk, actor=cast.admin, reason="  ")
    with pytest.raises(PermissionDenied):
        services.reopen_report(report_id=report_a.pk, actor=cast.leader, reason="想改")
    services.reopen_report(report_id=report_a.pk, actor=cast.admin, reason="材料与实际不符")
    report_a.refresh_from_db()
    assert report_a.state == State.RETURNED and report_a.grade == ""
    assert report_a.events.last().comment == "材料与实际不符"


ILLEGAL = [
    # (state to put the report in, action, actor)
    ("draft", "approve", "leader"),
    ("draft", "return", "leader"),
    ("draft", "reopen", "admin"),
    ("submitted", "submit", "secretary_a"),
    ("submitted", "reopen", "admin"),
    ("approved", "submit", "secretary_a"),
    ("approved", "approve", "leader"),
    ("approved", "return", "leader"),
    ("returned", "approve", "leader"),
    ("returned", "return", "leader"),
    ("locked", "submit", "secretary_a"),
    ("locked", "approve", "leader"),
]


def act(action, report, actor):
    calls = {
        "submit": lambda: services.submit_report(report_id=report.pk, actor=actor, content="内容"),
        "approve": lambda: services.approve_report(report_id=report.pk, actor=actor, grade="good"),
        "return": lambda: services.return_report(report_id=report.pk, actor=actor, comment="退回"),
        "reopen": lambda: services.reopen_report(report_id=report.pk, actor=actor, reason="原因"),
    }
    return calls[action]()


@pytest.mark.parametrize(("state", "action", "role"), ILLEGAL)
def test_illegal_transitions_are_refused_and_change_nothing(cast, report_a, state, action, role):
    Report.objects.filter(pk=report_a.pk).update(state=state, content="已有内容")
    events = ReportEvent.objects.count()
    with pytest.raises(services.TransitionError):
        act(action, report_a, cast.by_role(role))
    report_a.refresh_from_db()
    assert report_a.state == state
    assert ReportEvent.objects.count() == events


@pytest.mark.parametrize(
    ("action", "role"),
    [
        ("submit", "secretary_b"),
        ("submit", "leader"),
        ("submit", "supervisor"),
        ("approve", "other_leader"),
        ("approve", "secretary_a"),
        ("approve", "supervisor"),
        ("return", "other_leader"),
        ("return", "secretary_a"),
    ],
)
def test_only_the_right_people_may_act(cast, report_a, action, role):
    if action != "submit":
        submit(report_a, cast)
    with pytest.raises(PermissionDenied):
        act(action, report_a, cast.by_role(role))


def test_returning_needs_a_comment_and_approving_a_grade(cast, report_a):
    submit(report_a, cast)
    with pytest.raises(services.TransitionError):
        services.return_report(report_id=report_a.pk, actor=cast.leader, comment=" ")
    with pytest.raises(services.TransitionError):
        services.approve_report(report_id=report_a.pk, actor=cast.leader, grade="perfect")
    report_a.refresh_from_db()
    assert report_a.state == State.SUBMITTED


def test_an_empty_report_cannot_be_submitted(cast, report_a):
    with pytest.raises(services.TransitionError):
        services.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="   ")


def test_lock_then_waive_then_submit_late(cast, report_a, period):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    period.due_on = today - datetime.timedelta(days=10)
    period.opens_on = today - datetime.timedelta(days=40)
    period.save()
    assert services.lock_report(report_id=report_a.pk) is not None
    assert services.lock_report(report_id=report_a.pk) is None  # twice: nothing more
    with pytest.raises(services.TransitionError):
        submit(report_a, cast)
    with pytest.raises(PermissionDenied):
        services.waive_lock(report_id=report_a.pk, actor=cast.leader, reason="特殊情况")
    services.waive_lock(report_id=report_a.pk, actor=cast.admin, reason="因公出差，准予补报")
    submit(report_a, cast)
    report_a.refresh_from_db()
    assert report_a.state == State.SUBMITTED and report_a.late
    assert list(report_a.events.values_list("action", flat=True)) == ["lock", "waive", "submit"]


def test_notifications_follow_each_step(cast, report_a, django_capture_on_commit_callbacks, mailoutbox):
    cast.leader.email = "leader@example.org"
    cast.leader.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit(report_a, cast)
    assert cast.leader.notifications.filter(kind="report_submit").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(report_id=report_a.pk, actor=cast.leader, comment="请补充佐证材料")
    note = cast.secretary_a.notifications.get(kind="report_return")
    assert "退回" in note.title and "请补充佐证材料" in note.body
    assert any("请补充佐证材料" in m.body for m in mailoutbox)
    assert not cast.secretary_b.notifications.exists()
