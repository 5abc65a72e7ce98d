"""Where a problem was found (问题来源) and the duty it concerns (issue 14): chosen when a
rectification is raised by hand, taken from the object when raised on a report, a finding
or a notice; anything else is refused with a message and changes nothing."""

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from core.errors import TransitionError
from notifications.models import Notification
from oversight import services
from oversight.models import Rectification, SupervisionNotice
from responsibilities.models import Duty
from schedules.models import SentReminder
from tests.oversight.conftest import in_days, photo

pytestmark = pytest.mark.django_db


def form(cast, **extra):
    return {
        "problem": "民主生活会上查摆：学习不深入",
        "measure": "制定学习计划",
        "unit": cast.unit_a.pk,
        "deadline": in_days(30).isoformat(),
        **extra,
    }


def a_duty(cast):
    return Duty.objects.filter(checklist=cast.checklist).order_by("code").first()


@pytest.mark.parametrize("role", ["admin", "leader"])
def test_the_source_and_the_duty_are_chosen_when_raised_by_hand(client_as, cast, role):
    duty = a_duty(cast)
    client = client_as(role)
    page = client.get(reverse("oversight:rectification_new")).content.decode()
    assert "问题来源" in page and "民主生活会" in page and "巡察" in page and "涉及责任事项" in page
    response = client.post(
        reverse("oversight:rectification_new"), form(cast, source="democratic_life", duty=duty.pk), follow=True
    )
    made = Rectification.objects.get()
    assert (made.source, made.duty, made.unit) == ("democratic_life", duty, cast.unit_a)
    page = response.content.decode()
    assert "民主生活会" in page and f"{duty.code} {duty.title}" in page


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"source": "report"}, "选择一个有效的选项"),  # a report is the object's source, not a choice
        ({"source": "bogus"}, "选择一个有效的选项"),
        ({"source": "audit", "duty": "999999"}, "选择一个有效的选项"),
        ({"source": "audit", "duty": "abc"}, "选择一个有效的选项"),
    ],
)
def test_a_source_or_duty_that_does_not_exist_is_refused(client_as, cast, extra, message):
    response = client_as("admin").post(reverse("oversight:rectification_new"), form(cast, **extra))
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not Rectification.objects.exists()


def test_a_rectification_on_a_report_takes_its_source_and_duty(client_as, cast, returned_report):
    client = client_as("leader")
    url = reverse("oversight:raise_from_report", args=[returned_report.pk])
    page = client.get(url).content.decode()
    assert 'name="source"' not in page  # the report is the source
    assert f'<option value="{returned_report.assignment.duty_id}" selected>' in page
    client.post(url, form(cast, source="inspection", duty=returned_report.assignment.duty_id))
    made = Rectification.objects.get()
    assert made.source == "report" and made.report == returned_report
    assert made.duty_id == returned_report.assignment.duty_id


def test_the_service_refuses_a_linked_source_without_its_object(cast):
    with pytest.raises(TransitionError):
        services.raise_rectification(
            actor=cast.admin, unit=cast.unit_a, problem="p", measure="m", deadline=in_days(5), source="notice"
        )
    assert not Rectification.objects.exists()


# ---------------------------------------------------------------------------------------
# The first-overdue escalation (DESIGN.md, "Schedules"; 三 "真管真严")


def escalations(item):
    return sorted(
        SentReminder.objects.filter(kind=SentReminder.Kind.OVERDUE, item_type="rectification", item_id=item.pk)
        .values_list("person__username", "day")
        .distinct()
    )


def test_an_overdue_rectification_is_told_to_its_owner_and_the_liaison_once(cast, admin_rectification):
    r = admin_rectification  # raised by the admin on unit A (liaison: the leader), due in 10 days
    call_command("run_schedule", "escalate_overdue", date=in_days(10).isoformat())  # due today: not yet
    assert escalations(r) == []
    call_command("run_schedule", "escalate_overdue", date=in_days(11).isoformat())  # the first day overdue
    assert escalations(r) == [("leader_t", in_days(11)), ("sec_a", in_days(11))]
    # (The same day may bring other overdue news — a branch behind its 履责纪实 counts, issue
    # 13 — in a notification of its own: only the one about this rectification is looked at.)
    about = Notification.objects.filter(kind="overdue_escalation", body__contains=r.problem)
    for person in (cast.secretary_a, cast.leader):
        assert about.filter(recipient=person).count() == 1
    call_command("run_schedule", "escalate_overdue", date=in_days(12).isoformat())  # once only
    call_command("run_schedule", "escalate_overdue", date=in_days(30).isoformat())
    assert escalations(r) == [("leader_t", in_days(11)), ("sec_a", in_days(11))]
    assert about.count() == 2


def test_a_rectification_reported_done_is_not_escalated(cast, admin_rectification):
    services.report_rectification_done(
        rectification_id=admin_rectification.pk, actor=cast.secretary_a, completion="已改", uploads=[photo()]
    )
    call_command("run_schedule", "escalate_overdue", date=in_days(11).isoformat())
    assert escalations(admin_rectification) == []


@pytest.fixture
def admin_rectification(cast):
    return services.raise_rectification(
        actor=cast.admin,
        unit=cast.unit_a,
        problem="巡察反馈：三会一课记录不规范",
        measure="规范记录",
        deadline=in_days(10),
        source="inspection",
    )


# ---------------------------------------------------------------------------------------
# The data migration of existing rows (oversight 0005)

migration = importlib.import_module("oversight.migrations.0006_rectification_source_from_links")


def test_the_migration_sets_source_and_duty_from_the_links(cast, report_a):
    duty = report_a.assignment.duty
    notice = SupervisionNotice.objects.create(
        year=2026,
        number=1,
        unit=cast.unit_a,
        subject="督办",
        body="办理",
        deadline=in_days(5),
        issued_by=cast.leader,
        report=report_a,
    )
    common = {"measure": "m", "unit": cast.unit_a, "deadline": in_days(5), "raised_by": cast.admin}
    by_hand_on_report = Rectification.objects.create(problem="a", source="manual", report=report_a, **common)
    by_hand_on_notice = Rectification.objects.create(problem="b", source="manual", notice=notice, **common)
    alone = Rectification.objects.create(problem="c", source="inspection", **common)
    migration.source_and_duty_from_links(apps, None)
    for row in (by_hand_on_report, by_hand_on_notice, alone):
        row.refresh_from_db()
    assert (by_hand_on_report.source, by_hand_on_report.duty) == ("report", duty)
    assert (by_hand_on_notice.source, by_hand_on_notice.duty) == ("notice", duty)  # the notice's report's duty
    assert (alone.source, alone.duty) == ("inspection", None)
    migration.source_and_duty_from_links(apps, None)  # a second run changes nothing
    assert Rectification.objects.filter(source="report").count() == 1
