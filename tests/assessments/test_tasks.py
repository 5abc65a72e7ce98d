"""交办 tasks (issue 14, item 3): the 党组会议's decisions handed to a unit or a post, the
reply with its receipt files, the admin's close or return; who may do what; reminders,
escalation and scoring like a report; bad input refused without a change."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments import tasking
from assessments.models import Task, TaskEvent
from audit.models import AuditLink
from core.errors import TransitionError
from notifications.models import Notification
from schedules.models import SentReminder
from scoring.models import ScoreLine, ScoringRule
from scoring.services import compute_scores
from tests.assessments.tasks_support import in_days, issued_task, meeting_with_decisions, receipt, replied_task

pytestmark = pytest.mark.django_db
State = Task.State


def actions(task):
    return list(task.events.order_by("at", "pk").values_list("action", "from_state", "to_state", "actor__username"))


def test_a_task_lives_issued_replied_returned_replied_closed_with_events(cast, period):
    meeting = meeting_with_decisions(cast, period)
    task = issued_task(cast, decision=meeting.decisions.first())
    assert task.state == State.ISSUED and task.period == period
    assert Notification.objects.filter(recipient=cast.secretary_a, kind="task_issued").exists()
    assert Notification.objects.filter(recipient=cast.leader, kind="task_issued").exists()  # A's liaison
    tasking.reply_to_task(task_id=task.pk, actor=cast.secretary_a, reply="已办", uploads=[receipt()])
    tasking.return_task(task_id=task.pk, actor=cast.admin, comment="缺少方案附件", deadline=in_days(3))
    task.refresh_from_db()
    assert task.state == State.ISSUED and task.deadline == in_days(3)
    assert Notification.objects.filter(recipient=cast.secretary_a, kind="task_returned").exists()
    tasking.reply_to_task(task_id=task.pk, actor=cast.secretary_a, reply="补报方案", uploads=[receipt("方案.pdf")])
    tasking.close_task(task_id=task.pk, actor=cast.admin, comment="办结")
    task.refresh_from_db()
    assert task.state == State.CLOSED and task.closed_at and task.attachments.count() == 2 and not task.late
    assert actions(task) == [
        ("issue", "", "issued", "admin_t"),
        ("reply", "issued", "replied", "sec_a"),
        ("return", "replied", "issued", "admin_t"),
        ("reply", "issued", "replied", "sec_a"),
        ("close", "replied", "closed", "admin_t"),
    ]
    # The audit chain holds every step, like the other events.
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(TaskEvent)
    assert AuditLink.objects.filter(content_type=kind).count() == 5


def test_steps_out_of_order_are_refused_plainly(cast):
    task = issued_task(cast)
    with pytest.raises(TransitionError):
        tasking.close_task(task_id=task.pk, actor=cast.admin)
    with pytest.raises(TransitionError):
        tasking.return_task(task_id=task.pk, actor=cast.admin, comment="x")
    tasking.reply_to_task(task_id=task.pk, actor=cast.secretary_a, reply="已办", uploads=[receipt()])
    with pytest.raises(TransitionError):
        tasking.reply_to_task(task_id=task.pk, actor=cast.secretary_a, reply="再办", uploads=[receipt()])
    assert Task.objects.get(pk=task.pk).state == State.REPLIED


@pytest.mark.django_db(transaction=True)
def test_two_admins_closing_at_once_one_wins():
    from tests.conftest import build_cast

    cast = build_cast()
    second = type(cast.admin).objects.create_user(username="admin2", password="x")
    second.groups.add(*cast.admin.groups.all())
    task = replied_task(cast)
    outcomes = []

    def close(actor):
        try:
            tasking.close_task(task_id=task.pk, actor=actor)
            outcomes.append("closed")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(who,)) for who in (cast.admin, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["closed", "refused"]
    assert TaskEvent.objects.filter(task=task, action="close").count() == 1


def test_the_reply_needs_text_and_a_receipt_file_checked_like_evidence(cast):
    task = issued_task(cast)
    with pytest.raises(TransitionError):
        tasking.reply_to_task(task_id=task.pk, actor=cast.secretary_a, reply="已办", uploads=[])
    with pytest.raises(TransitionError):
        tasking.reply_to_task(task_id=task.pk, actor=cast.secretary_a, reply="  ", uploads=[receipt()])
    fake = SimpleUploadedFile("回执.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client = __import__("django.test", fromlist=["Client"]).Client()
    client.force_login(cast.secretary_a)
    response = client.post(reverse("assessments:task_reply", args=[task.pk]), {"reply": "已办", "files": [fake]})
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.state == State.ISSUED and not task.attachments.exists()


def test_a_post_task_is_answered_by_that_posts_holder_only(cast):
    member_post = cast.party_group.posts.get(title="党组成员")  # held by cast.leader
    task = issued_task(cast, unit=cast.party_group, post=member_post)
    assert tasking.may_reply(cast.leader, task)
    assert not tasking.may_reply(cast.other_leader, task)  # the 党组书记 holds another post there
    assert [t.pk for t in tasking.open_for(cast.leader)] == [task.pk]
    assert tasking.open_for(cast.other_leader) == []


def test_who_may_do_what_on_the_pages(client_as, cast):
    task = replied_task(cast)
    page = reverse("assessments:task", args=[task.pk])
    settle = reverse("assessments:task_settle", args=[task.pk])
    for role in ("admin", "leader", "other_leader", "supervisor", "secretary_a"):
        assert client_as(role).get(page).status_code == 200, role
    assert client_as("secretary_b").get(page).status_code == 404
    assert client_as("secretary_b").post(settle, {"action": "close"}).status_code == 404
    for role in ("leader", "supervisor", "secretary_a"):
        assert client_as(role).post(settle, {"action": "close"}).status_code == 403, role
    assert client_as("secretary_a").post(reverse("assessments:task_new"), {}).status_code == 403
    assert client_as("leader").get(reverse("assessments:task_new")).status_code == 403
    assert Task.objects.get(pk=task.pk).state == State.REPLIED
    response = client_as("admin").post(settle, {"action": "return", "comment": ""})
    assert response.status_code == 400 and "Say why" in response.content.decode() or "退回" in response.content.decode()
    assert client_as("admin").post(settle, {"action": "close", "comment": "办结"}).status_code == 302
    assert Task.objects.get(pk=task.pk).state == State.CLOSED


def test_the_admin_hands_a_decision_on_from_the_meeting_page(client_as, cast, period):
    meeting = meeting_with_decisions(cast, period)
    decision = meeting.decisions.last()
    client = client_as("admin")
    page = client.get(reverse("assessments:meetings")).content.decode()
    assert "落实三会一课" in page and f"?decision={decision.pk}" in page
    url = reverse("assessments:task_new") + f"?decision={decision.pk}"
    assert "落实三会一课" in client.get(url).content.decode()
    data = {"unit": cast.unit_b.pk, "subject": "落实三会一课", "body": "按月报送", "deadline": in_days(10).isoformat()}
    response = client.post(url, data)
    task = Task.objects.get()
    assert response.status_code == 302 and task.decision == decision and task.unit == cast.unit_b
    assert "乙党支部" in client.get(reverse("assessments:meetings")).content.decode()


def test_bad_input_is_refused_without_a_change(client_as, cast):
    client = client_as("admin")
    url = reverse("assessments:task_new")
    good = {"unit": cast.unit_a.pk, "subject": "任务", "body": "要求", "deadline": in_days(5).isoformat()}
    other_post = cast.unit_b.posts.first()
    bad = [
        {**good, "deadline": in_days(-1).isoformat()},
        {**good, "deadline": "明天"},
        {**good, "subject": ""},
        {**good, "post": other_post.pk},  # a post of another unit
        {**good, "unit": 987654},
        {**good, "post": "x"},
    ]
    for data in bad:
        assert client.post(url, data).status_code == 400, data
    assert client.get(url + "?decision=abc").status_code == 404
    assert client.get(url + "?decision=987654").status_code == 404
    assert client.get(reverse("assessments:task", args=[987654])).status_code == 404
    assert client.get(reverse("assessments:task_file", args=[987654])).status_code == 404
    assert client.get(reverse("assessments:tasks") + "?state=nope&unit=zz").status_code == 200
    assert not Task.objects.exists()
    # An admin holding a post in the unit may not hand a task to it (nor close it).
    from tests.factories import PostFactory

    PostFactory(unit=cast.unit_a, title="组织委员", held_by=cast.admin)
    assert client.post(url, good).status_code == 400
    assert not Task.objects.exists()


def test_the_feedback_file_opens_for_the_scope_only(client_as, cast):
    task = replied_task(cast)
    url = reverse("assessments:task_file", args=[task.attachments.get().pk])
    assert client_as("secretary_a").get(url).status_code == 200
    assert client_as("leader").get(url).status_code == 200
    assert client_as("secretary_b").get(url).status_code == 404


def test_my_duties_and_the_dashboard_show_the_tasks(client_as, cast, period, django_assert_max_num_queries):
    late = issued_task(cast, days=3)
    Task.objects.filter(pk=late.pk).update(deadline=in_days(-2))  # overdue
    replied_task(cast)
    closed = replied_task(cast, unit=cast.unit_a)
    tasking.close_task(task_id=closed.pk, actor=cast.admin)
    issued_task(cast, unit=cast.unit_b)
    mine = client_as("secretary_a").get(reverse("assessments:my_reports")).content.decode()
    assert "报送支部标准化建设方案" in mine and reverse("assessments:task", args=[late.pk]) in mine
    client = client_as("leader")
    with django_assert_max_num_queries(16):
        page = client.get(reverse("dashboard:index"))
    counts = page.context["tasks"]
    assert counts == {"open": 3, "overdue": 1, "closed": 1}  # a hand count of the four tasks
    assert "?state=overdue&amp;unit=" in page.content.decode()
    drill = client.get(reverse("assessments:tasks"), {"state": "overdue", "unit": cast.unit_a.pk})
    assert [t.pk for t in drill.context["rows"]] == [late.pk]
    # Unit B's secretary sees B's only.
    listed = client_as("secretary_b").get(reverse("assessments:tasks")).context["rows"]
    assert {t.unit_id for t in listed} == {cast.unit_b.pk}


def test_pages_keep_their_query_counts(client_as, cast, django_assert_max_num_queries):
    for _ in range(5):
        replied_task(cast)
    task = Task.objects.first()
    pages = [(reverse("assessments:tasks"), 8), (reverse("assessments:task", args=[task.pk]), 10)]
    for role in ("admin", "leader", "secretary_a"):
        client = client_as(role)
        for url, limit in pages:
            with django_assert_max_num_queries(limit):
                assert client.get(url).status_code == 200


def test_pages_speak_chinese_and_english(client_as, cast, settings):
    task = replied_task(cast)
    client = client_as("admin")
    url = reverse("assessments:task", args=[task.pk])
    assert "关闭任务" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    cast.admin.language = "en"
    cast.admin.save(update_fields=["language"])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Close the task" in english


def test_reminders_and_first_day_escalation_through_run_schedule(cast):
    task = issued_task(cast, days=7)
    today = timezone.localdate()

    def named(day):
        return sorted(SentReminder.objects.filter(day=day, item_type="task").values_list("person__username", "kind"))

    call_command("run_schedule", "send_reminders", date=today.isoformat())
    assert named(today) == [("sec_a", "deadline")]
    call_command("run_schedule", "send_reminders", date=today.isoformat())  # once only
    assert len(named(today)) == 1
    assert call_command("run_schedule", "send_reminders", date=(today + datetime.timedelta(days=1)).isoformat()) is None
    assert named(today + datetime.timedelta(days=1)) == []  # T-6: nothing
    t3 = task.deadline - datetime.timedelta(days=3)
    call_command("run_schedule", "send_reminders", date=t3.isoformat())
    assert named(t3) == [("sec_a", "deadline")]
    first_overdue = task.deadline + datetime.timedelta(days=1)
    call_command("run_schedule", "escalate_overdue", date=first_overdue.isoformat())
    assert named(first_overdue) == [("leader_t", "overdue"), ("sec_a", "overdue")]
    later = first_overdue + datetime.timedelta(days=1)
    call_command("run_schedule", "escalate_overdue", date=later.isoformat())
    assert named(later) == []  # the first overdue day only


def test_a_replied_task_is_not_reminded(cast):
    task = replied_task(cast, days=7)
    call_command("run_schedule", "send_reminders", date=timezone.localdate().isoformat())
    assert not SentReminder.objects.filter(item_type="task", item_id=task.pk).exists()


def test_late_and_missing_feedback_deduct_per_the_scoring_rule(client_as, cast, period):
    client = client_as("admin")
    rule = ScoringRule.objects.order_by("pk").first() or ScoringRule.objects.create()
    rule.task_late_deduction = 1.5
    rule.task_missing_deduction = 3
    rule.save()
    missing = issued_task(cast)
    late = issued_task(cast)
    on_time = replied_task(cast)
    Task.objects.filter(pk__in=[missing.pk, late.pk]).update(deadline=in_days(-1))
    tasking.reply_to_task(task_id=late.pk, actor=cast.secretary_a, reply="迟报", uploads=[receipt()])
    assert Task.objects.get(pk=late.pk).late
    compute_scores(period=period)
    lines = ScoreLine.objects.filter(unit_score__unit=cast.unit_a, task__isnull=False)
    assert sorted((line.task_id, line.cause, float(line.points)) for line in lines) == sorted(
        [(missing.pk, "task_open", -3.0), (late.pk, "task_late", -1.5)]
    )
    assert on_time.pk not in {line.task_id for line in lines}
    page = client.get(reverse("scoring:unit_score", kwargs={"period_pk": period.pk, "unit_code": cast.unit_a.code}))
    assert "交办任务逾期未反馈" in page.content.decode() and "报送支部标准化建设方案" in page.content.decode()
    # The numbers are data: with no deduction set, no line.
    rule.task_late_deduction = 0
    rule.task_missing_deduction = 0
    rule.save()
    compute_scores(period=period)
    assert not ScoreLine.objects.filter(task__isnull=False).exists()
