import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Period, Report
from tests.assessments.pages import count_queries
from tests.factories import AssignmentFactory, DutyFactory

pytestmark = pytest.mark.django_db
URL = reverse("assessments:my_reports")
HOLDS_A_POST = {"secretary_a", "secretary_b", "leader", "other_leader", "supervisor"}


@pytest.mark.parametrize("role", ["anonymous", "admin", *sorted(HOLDS_A_POST)])
def test_my_duties_answers_each_role(client_as, period, role):
    response = client_as(role).get(URL)
    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    elif role in HOLDS_A_POST:
        assert response.status_code == 200
    else:  # the admin holds no post: there is nothing of theirs to report
        assert response.status_code == 403


def test_secretaries_land_on_my_duties(client_as, period):
    assert client_as("secretary_a").get(reverse("home"))["Location"] == URL


def test_shows_only_my_units_reports_grouped_by_category(client_as, cast, period):
    page = client_as("secretary_a").get(URL).content.decode()
    mine = Report.objects.filter(period=period, unit=cast.unit_a).select_related("assignment__duty")
    for report in mine:
        assert reverse("assessments:report", args=[report.pk]) in page
    theirs = Report.objects.filter(period=period, unit=cast.unit_b).first()
    assert reverse("assessments:report", args=[theirs.pk]) not in page
    assert page.index("思想建设") < page.index("组织建设")
    assert "草稿" in page and "蓝色提示 · 已开放" in page and "还剩 14 天" in page


def test_returned_reports_come_first_with_the_reviewers_comment(client_as, cast, period):
    last = Report.objects.filter(period=period, unit=cast.unit_a).order_by("-category__order").first()
    services.submit_report(report_id=last.pk, actor=cast.secretary_a, content="已开展")
    services.return_report(report_id=last.pk, actor=cast.leader, comment="请补充支部会议记录")
    page = client_as("secretary_a").get(URL).content.decode()
    returned_at = page.index("请补充支部会议记录")
    assert returned_at < page.index("思想建设")
    assert "已退回，请修改后重新提交" in page and "联系领导" in page


def test_warning_badges_say_the_days_in_words(client_as, cast, period):
    today = timezone.localdate()
    period.due_on = today + datetime.timedelta(days=2)  # the reports due with it follow
    period.save()
    assert "黄色预警 · 还剩 2 天" in client_as("secretary_a").get(URL).content.decode()
    period.due_on = today - datetime.timedelta(days=3)
    period.save()
    assert "红色预警 · 逾期 3 天" in client_as("secretary_a").get(URL).content.decode()


def test_empty_state_says_when_the_period_opens(client_as, cast):
    # Nothing open, nothing scheduled: the default opening of the next half (6-15 or 12-15).
    page = client_as("secretary_a").get(URL).content.decode()
    assert "本周期尚未开放，将于" in page and ("6月15日 开放" in page or "12月15日 开放" in page)
    opens = timezone.localdate() + datetime.timedelta(days=9)
    Period.objects.create(
        year=opens.year + 1,
        half=1,
        opens_on=opens,
        due_on=opens + datetime.timedelta(days=20),
        review_due_on=opens + datetime.timedelta(days=40),
    )
    page = client_as("secretary_a").get(URL).content.decode()
    assert f"本周期尚未开放，将于 {opens.year}年{opens.month}月{opens.day}日 开放" in page


def test_english_is_available(client_as, period):
    client = client_as("secretary_a")
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(URL).content.decode()
    assert "My duties" in page and "Blue notice · window open" in page and "Draft" in page


def test_query_count_is_pinned_and_does_not_grow_with_reports(client_as, cast, period, django_assert_max_num_queries):
    client = client_as("secretary_a")
    # 9: the reports' 6, one for the 交办 tasks awaiting my feedback (issue 14), and two for
    # the counts of work records against the rules (the counted assignments, then every
    # count in one grouped query; issue 13).
    with django_assert_max_num_queries(9):
        client.get(URL)
    before = count_queries(client, URL)
    post = cast.unit_a.posts.get(title="支部书记")
    for n in range(12):
        AssignmentFactory(duty=DutyFactory(checklist=cast.checklist, code=f"Z-{n:02d}"), post=post)
    services.open_period(period=period)
    assert Report.objects.filter(period=period, unit=cast.unit_a).count() >= 18
    assert count_queries(client, URL) == before
