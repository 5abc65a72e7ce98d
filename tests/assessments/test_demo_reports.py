import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.models import Evidence, Period, Report, ReportEvent
from notifications.models import Notification
from responsibilities.services import load_checklist_file

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "periods": list(Period.objects.values_list("year", "half", "state", "opens_on", "due_on")),
        "reports": list(Report.objects.order_by("pk").values_list("pk", "state", "content", "grade", "updated_at")),
        "events": ReportEvent.objects.count(),
        "evidence": Evidence.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.fixture
def demo(one_day, settings, capsys):
    settings.DEBUG = True
    load_checklist_file(path=settings.MINGZE_CHECKLIST_PATH, year=timezone.localdate().year)
    call_command("load_demo")
    return capsys.readouterr().out


def test_the_demo_opens_the_current_half_with_reports_at_every_step(demo):
    today = timezone.localdate()
    period = Period.objects.get(state=Period.State.OPEN)
    assert (period.year, period.half) == (today.year, 1 if today.month <= 6 else 2)
    assert period.opens_on <= today <= period.due_on
    states = set(Report.objects.filter(period=period).values_list("state", flat=True))
    assert {"draft", "submitted", "returned", "approved"} <= states
    assert Evidence.objects.exists() and "demo steps played" in demo


def test_a_second_run_changes_no_data(demo, capsys):
    before = snapshot()
    call_command("load_demo")
    assert snapshot() == before
    assert "0 demo steps played" in capsys.readouterr().out


def test_the_demo_accounts_see_something(demo, client):
    client.force_login(User.objects.get(username="shuji1"))
    home = client.get(reverse("assessments:my_reports")).content.decode()
    assert "已退回，请修改后重新提交" in home and "已通过" in home
    client.force_login(User.objects.get(username="lihua"))
    queue = client.get(reverse("assessments:review_queue")).content.decode()
    assert "第一党支部" in queue and "第二党支部" in queue
    client.force_login(User.objects.get(username="zhaoqiang"))
    assert "第五党支部" in client.get(reverse("assessments:review_queue")).content.decode()


def test_demo_files_are_kept_in_the_private_media_folder(demo):
    for evidence in Evidence.objects.all():
        assert evidence.file.path.startswith(str(settings.MEDIA_ROOT))


def test_the_demo_shows_an_annual_duty_due_31_march_and_a_quarter_s_sub_deadline(demo, client):
    """Issue 12 item 6: the 书记's 我的责任 lists 理论学习中心组 once per quarter of the half,
    each with its own date, and (in a second half) 个人有关事项 due 31 March next year."""
    today = timezone.localdate()
    second_half = today.month > 6
    client.force_login(User.objects.get(username="wangming"))
    page = client.get(reverse("assessments:my_reports")).content.decode()
    quarters = ("第三季度", "第四季度") if second_half else ("第一季度", "第二季度")
    assert all(q in page for q in quarters)
    period = Period.objects.get(state=Period.State.OPEN)
    first_quarter = Report.objects.get(period=period, assignment__duty__code="I-L2", quarter=3 if second_half else 1)
    assert first_quarter.due_on < period.due_on
    if second_half:
        assert f"{today.year + 1}年3月31日" in page
        annual = Report.objects.filter(period=period, assignment__duty__code="D-04")
    else:  # the half before, closed: its annual reports were due on 31 March of this year
        annual = Report.objects.filter(period__state=Period.State.CLOSED, assignment__duty__code="D-04")
    assert annual.exists() and {r.due_on.month * 100 + r.due_on.day for r in annual} == {331}


def test_the_demo_has_a_hearing_meeting_with_a_task_answered(demo, client):
    from assessments.models import Meeting, Task

    meeting = Meeting.objects.get(period__isnull=False)
    assert meeting.decisions.count() == 2 and meeting.minutes.count() == 1
    task = Task.objects.get(decision__meeting=meeting)
    assert task.state == Task.State.REPLIED and task.unit.code == "ZB01" and task.attachments.count() == 1
    client.force_login(User.objects.get(username="admin"))
    page = client.get(reverse("assessments:task", args=[task.pk])).content.decode()
    assert "制定支部标准化规范化建设方案" in page and "建设方案.png" in page


def test_the_demo_closes_last_years_second_half_when_loaded_in_the_first_half(settings):
    """`make data` in January to June: this year's checklist only is loaded (copied forward
    from 2020), and the half before is last year's second. The demo still shows it closed
    with its scores, its annual duties due on 31 March of this year."""
    import datetime

    import time_machine

    from scoring.models import UnitScore

    settings.DEBUG = True
    with time_machine.travel(datetime.datetime(2027, 3, 15, 9, tzinfo=datetime.UTC), tick=False):
        call_command("load_checklist")
        call_command("load_demo")
    closed = Period.objects.get(state=Period.State.CLOSED)
    assert (closed.year, closed.half) == (2026, 2)
    assert UnitScore.objects.filter(period=closed).exists()
    annual = Report.objects.filter(period=closed, assignment__duty__code="D-04")
    assert annual.exists() and {r.due_on for r in annual} == {datetime.date(2027, 3, 31)}
