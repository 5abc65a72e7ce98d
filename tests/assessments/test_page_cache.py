"""The hot pages come from the cache while nothing they show has changed (issue 15,
core/pagecache.py): each test changes the data behind a page — a report submitted,
returned, approved, a notification, a work record, a role, a date — and sees the page
change, for the person concerned and for the others, in their own language."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from assessments import services
from assessments.models import Period, Report
from notifications.models import Notification
from responsibilities.models import Duty
from tests.factories import WorkRecordFactory
from worklog import compliance

pytestmark = pytest.mark.django_db

MY = reverse("assessments:my_reports")
QUEUE = reverse("assessments:review_queue")
NOTES = reverse("notifications:list")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r'(?:csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


def get(client, url, **extra):
    """(page text, queries it cost)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def handed_in(page: str) -> str:
    return re.search(r"已报送 <strong>([^<]*)</strong>", page).group(1)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_home_is_made_once_and_then_served_until_a_report_moves(client_as, cast, period):
    client = client_as("secretary_a")
    first, made = get(client, MY)
    again, served = get(client, MY)
    assert served == 1 < made  # from the cache: the session's row only, the person is kept too
    assert ANY_TOKEN.sub("", again) == ANY_TOKEN.sub("", first)  # a fresh CSRF token only
    assert handed_in(first).startswith("0.0%")

    report = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").first()
    services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已开展")
    submitted, _n = get(client, MY)
    assert handed_in(submitted).endswith("(1/11)") and "已提交" in submitted

    services.return_report(report_id=report.pk, actor=cast.leader, comment="请补充支部会议记录")
    returned, _n = get(client, MY)
    assert handed_in(returned).startswith("0.0%") and "已退回，请修改后重新提交" in returned
    assert "请补充支部会议记录" in returned

    services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已补充")
    services.approve_report(report_id=report.pk, actor=cast.leader, grade="good")
    approved, _n = get(client, MY)
    assert "已退回，请修改后重新提交" not in approved and "已通过" in approved


def test_the_reviewer_sees_the_report_arrive_in_the_queue_and_on_the_unit_page(client_as, cast, period):
    leader = client_as("leader")
    unit_url = reverse("assessments:unit", args=[cast.unit_a.pk])
    queue, _n = get(leader, QUEUE)
    unit_page, _n = get(leader, unit_url)
    get(leader, QUEUE), get(leader, unit_url)  # now cached
    report = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").first()
    link = reverse("assessments:report", args=[report.pk])
    assert link not in queue

    services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已开展")
    assert link in get(leader, QUEUE)[0]
    assert get(leader, unit_url)[0] != unit_page

    # The report page itself, cached for the secretary, shows the leader's comment.
    secretary = signed_in(cast.secretary_a)
    get(secretary, link), get(secretary, link)
    services.return_report(report_id=report.pk, actor=cast.leader, comment="请补充会议纪要")
    assert "请补充会议纪要" in get(secretary, link)[0]


def test_nobody_is_served_another_persons_or_another_languages_copy(cast, period):
    mine = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").first()
    theirs = Report.objects.filter(period=period, unit=cast.unit_b).order_by("pk").first()
    a = signed_in(cast.secretary_a)
    get(a, MY), get(a, MY)
    b_page, _n = get(signed_in(cast.secretary_b), MY)
    assert reverse("assessments:report", args=[theirs.pk]) in b_page
    assert reverse("assessments:report", args=[mine.pk]) not in b_page
    assert "乙书记" in b_page and "甲书记" not in b_page

    english = signed_in(cast.secretary_a)
    english.post(reverse("set_language"), {"language": "en"})
    en_page, _n = get(english, MY)
    assert "My duties" in en_page and "我的责任" not in en_page
    zh_page, _n = get(a, MY)  # the same person, another browser: still Chinese
    assert "我的责任" in zh_page and "Draft" not in zh_page
    english.post(reverse("set_language"), {"language": "zh-hans"})
    assert "我的责任" in get(english, MY)[0]


def test_a_new_notification_reaches_the_bell_and_the_list(client_as, cast, period):
    client = client_as("secretary_a")
    get(client, MY), get(client, NOTES), get(client, MY), get(client, NOTES)
    Notification.objects.create(recipient=cast.secretary_a, kind="test", title="请于本周提交报告")
    home, _n = get(client, MY)
    assert re.search(r"bi-bell-fill", home)
    notes, _n = get(client, NOTES)
    assert "请于本周提交报告" in notes and "list-group-item-warning" in notes  # new, marked as such
    # Opening the list read it: the next look shows it read, and the bell quiet.
    notes, _n = get(client, NOTES)
    assert "请于本周提交报告" in notes and "list-group-item-warning" not in notes
    assert "bi-bell-fill" not in get(client, MY)[0]
    # Someone else's notification is not theirs to see.
    assert "请于本周提交报告" not in get(signed_in(cast.secretary_b), NOTES)[0]


def test_a_new_work_record_changes_the_count_on_the_home(client_as, cast):
    client = client_as("secretary_a")
    duty = Duty.objects.get(checklist=cast.checklist, code="B-01")
    get(client, MY)
    before, _n = get(client, MY)
    assert "0/6" in before
    start, _end = compliance.half_of(timezone.localdate())
    WorkRecordFactory(unit=cast.unit_a, kind="branch_committee", held_on=start, topic="研究工作", duties=[duty])
    assert "1/6" in get(client, MY)[0]


def test_a_new_role_changes_the_menu_at_once(client_as, cast, period):
    client = client_as("secretary_a")
    get(client, MY), get(client, MY)
    assert "待审核" not in get(client, MY)[0]
    cast.secretary_a.groups.add(Group.objects.get(name=roles.LEADER))
    assert "待审核" in get(client, MY)[0]


def test_a_date_moved_by_a_bulk_update_changes_the_warning(client_as, cast, period):
    client = client_as("secretary_a")
    get(client, MY), get(client, MY)
    overdue = timezone.localdate() - datetime.timedelta(days=3)
    # A QuerySet.update sends no signal: the write itself is what is watched.
    Period.objects.filter(pk=period.pk).update(due_on=overdue)
    Report.objects.filter(period=period).update(due_on=overdue)
    assert "红色预警 · 逾期 3 天" in get(client, MY)[0]


def test_the_dashboard_shows_a_changed_number_at_once(client_as, cast, period):
    leader = client_as("leader")
    url = reverse("dashboard:index")
    get(leader, url)
    before, _n = get(leader, url)
    Report.objects.filter(period=period, unit=cast.unit_a).update(state=Report.State.APPROVED)
    assert get(leader, url)[0] != before


def test_an_unchanged_page_answers_not_modified_until_its_data_changes(client_as, cast, period):
    client = client_as("secretary_a")
    tag = client.get(MY)["ETag"]
    assert "no-cache" in client.get(MY)["Cache-Control"]
    assert client.get(MY, HTTP_IF_NONE_MATCH=tag).status_code == 304
    report = Report.objects.filter(period=period, unit=cast.unit_a).first()
    services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已开展")
    fresh = client.get(MY, HTTP_IF_NONE_MATCH=tag)
    assert fresh.status_code == 200 and fresh["ETag"] != tag
    # Another person's tag never matches.
    assert signed_in(cast.secretary_b).get(MY, HTTP_IF_NONE_MATCH=fresh["ETag"]).status_code == 200


def test_the_forms_of_a_cached_page_carry_a_token_that_works(cast, period):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.secretary_a)
    client.get(MY)
    page, _n = get(client, MY)  # from the cache
    token = TOKEN.search(page).group(1)
    answer = client.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    assert "My duties" in get(client, MY)[0]
