"""Each duty's due window and each report's own due date (issue 12 item 6), the leaders'
annual duties in the default checklist and its copy forward (item 9), and a key
category's weight counted once (item 9)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from assessments.due import due_dates
from assessments.models import Half, Period, Report, Warning, warning_level
from assessments.services import closing_day, open_period, opening_day
from dashboard.selectors import warning_filter
from responsibilities.models import Checklist, DueWindow, Duty, Subject
from responsibilities.services import load_checklist
from scoring.models import ScoreLine, UnitScore
from scoring.services import compute_scores
from tests.factories import AssignmentFactory, PostFactory, UnitFactory

pytestmark = pytest.mark.django_db
d = datetime.date

GOOD = """
categories:
  - {code: political, name: 政治建设, key: true}
  - {code: conduct, name: 作风建设}
duties:
  - {code: P-01, category: political, title: 把方向, subject: branch, responsibility: direct, cadence: semiannual}
  - {code: C-01, category: conduct, title: 办实事, subject: branch, responsibility: direct, cadence: semiannual}
  - {code: A-01, category: conduct, title: 报告个人有关事项, subject: branch, responsibility: direct,
     cadence: annual, due: "03-31"}
  - {code: A-02, category: conduct, title: 民主生活会, subject: branch, responsibility: direct,
     cadence: annual, due: 02-end}
  - {code: Q-01, category: conduct, title: 中心组学习, subject: branch, responsibility: direct, cadence: quarterly}
"""


def period(year, half, **dates):
    return Period(year=year, half=half, **{**Period.default_dates(year, half), **dates})


def test_the_due_key_sets_each_duty_s_window():
    load_checklist(text=GOOD, year=2030)
    windows = {duty.code: (duty.due_window, duty.due_month, duty.due_day) for duty in Duty.objects.all()}
    assert windows == {
        "P-01": (DueWindow.HALF_YEAR, None, None),
        "C-01": (DueWindow.HALF_YEAR, None, None),
        "A-01": (DueWindow.ANNUAL, 3, 31),
        "A-02": (DueWindow.ANNUAL, 2, 31),  # the end of February, whatever the year
        "Q-01": (DueWindow.QUARTERLY, None, None),  # the default of cadence quarterly
    }


@pytest.mark.parametrize(
    ("due", "message"),
    [('"13-01"', "13-01"), ("monthly", "monthly"), ('"02-30"', "02-30")],
)
def test_a_bad_due_key_is_refused_naming_the_duty(tmp_path, due, message):
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace('due: "03-31"', f"due: {due}"), encoding="utf-8")
    with pytest.raises(CommandError, match=f"A-01.*{message}"):
        call_command("load_checklist", str(path), "--year", "2030")
    assert not Duty.objects.exists()


def test_only_an_annual_duty_has_a_date_of_its_own(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace('cadence: annual, due: "03-31"', 'cadence: semiannual, due: "03-31"'), "utf-8")
    with pytest.raises(CommandError, match="A-01.*每年一次"):
        call_command("load_checklist", str(path), "--year", "2030")


def test_due_dates_of_each_window():
    first, second = period(2030, Half.FIRST), period(2030, Half.SECOND)
    assert due_dates(first, DueWindow.HALF_YEAR, None, None) == [(0, d(2030, 7, 10))]
    # One report per quarter of the half: the last due with the period, the earlier one
    # as long after its quarter's end.
    assert due_dates(first, DueWindow.QUARTERLY, None, None) == [(1, d(2030, 4, 10)), (2, d(2030, 7, 10))]
    assert due_dates(second, DueWindow.QUARTERLY, None, None) == [(3, d(2030, 10, 10)), (4, d(2031, 1, 10))]
    # An annual date in the year after the one reported on; the end of February kept.
    assert due_dates(second, DueWindow.ANNUAL, 3, 31) == [(0, d(2031, 3, 31))]
    assert due_dates(second, DueWindow.ANNUAL, 2, 31) == [(0, d(2031, 2, 28))]
    assert due_dates(period(2031, Half.SECOND), DueWindow.ANNUAL, 2, 31) == [(0, d(2032, 2, 29))]


@pytest.fixture
def branch(db):
    load_checklist(text=GOOD, year=2030)
    unit = UnitFactory(code="ZB1", name="一支部")
    post = PostFactory(unit=unit, title="支部书记")
    for duty in Duty.objects.all():
        AssignmentFactory(duty=duty, unit=unit, post=post)
    return unit


def test_the_period_opens_with_each_report_due_on_its_own_date(branch):
    second = period(2030, Half.SECOND)
    assert opening_day(second) == d(2030, 9, 10)  # 30 days before the third quarter's deadline
    second.save()
    open_period(period=second)
    made = sorted(second.reports.values_list("assignment__duty__code", "quarter", "due_on"))
    assert made == [
        ("A-01", 0, d(2031, 3, 31)),
        ("A-02", 0, d(2031, 2, 28)),
        ("C-01", 0, d(2031, 1, 10)),
        ("P-01", 0, d(2031, 1, 10)),
        ("Q-01", 3, d(2030, 10, 10)),
        ("Q-01", 4, d(2031, 1, 10)),
    ]
    # Reviewed as long after its latest report (3-31) as the period after its own date.
    assert closing_day(second) == d(2031, 1, 31) + (d(2031, 3, 31) - d(2031, 1, 10))


def test_warnings_use_each_report_s_own_due_date_in_the_page_and_the_lists(branch):
    second = period(2030, Half.SECOND)
    second.save()
    open_period(period=second)
    today = d(2031, 3, 28)
    levels = {}
    for report in second.reports.select_related("assignment__duty"):
        levels[(report.assignment.duty.code, report.quarter)] = report.warning(today)
    assert levels[("A-01", 0)] == Warning.YELLOW  # 3 days to 3-31
    assert levels[("C-01", 0)] == levels[("Q-01", 3)] == levels[("A-02", 0)] == Warning.RED
    for level in (Warning.RED, Warning.YELLOW, Warning.BLUE):
        listed = set(Report.objects.filter(period=second).filter(warning_filter(second, level, today)))
        assert listed == {
            r for r in second.reports.all() if warning_level(r.state, second, today, due_on=r.due_on) == level
        }


def test_the_report_page_shows_its_quarter_and_its_own_due_date(cast, client_as):
    year = timezone.localdate().year
    second = Period.objects.create(year=year, half=Half.SECOND, **Period.default_dates(year, Half.SECOND))
    open_period(period=second)
    report = Report.objects.get(period=second, assignment__duty__code="I-L2", quarter=4)
    holder = report.assignment.post.holder
    client = client_as("admin")
    client.force_login(holder)
    page = client.get(reverse("assessments:report", args=[report.pk])).content.decode()
    assert "第四季度" in page and f"{year + 1}年1月10日" in page
    annual = Report.objects.filter(period=second, assignment__duty__code="D-04", assignment__post__holder=holder).get()
    page = client.get(reverse("assessments:report", args=[annual.pk])).content.decode()
    assert f"{year + 1}年3月31日" in page
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("assessments:report", args=[report.pk])).content.decode()
    assert "Fourth quarter" in page and f"10 Jan {year + 1}" in page


def test_a_key_category_s_weight_is_counted_once(branch):
    """P-01 (政治建设, category weight 1.5) approved excellent, C-01 missing; the rest
    approved: each duty's own weight is 1, so 政治建设 counts 1.5×, not 2 × 1.5 = 3×."""
    assert set(Duty.objects.values_list("weight", flat=True)) == {Decimal(1)}
    first = period(2030, Half.FIRST, opens_on=d(2030, 1, 2))
    first.save()
    open_period(period=first)
    first.reports.exclude(assignment__duty__code="C-01").update(state="approved", grade="excellent")
    compute_scores(period=first)
    # (100×1.5 + 0×1 + 100 + 100) / 4.5 = 77.78, missing C-01 −2 → 75.78 (3× would give 80.00)
    score = UnitScore.objects.get(period=first, unit=branch)
    assert score.score == Decimal("75.78")
    political = ScoreLine.objects.get(unit_score=score, kind="report", report__assignment__duty__code="P-01")
    assert political.weight == Decimal("1.5")


def test_the_default_checklist_is_2020_s_copied_forward_to_this_year(capsys):
    this_year = timezone.localdate().year
    call_command("load_checklist")
    source = Checklist.objects.get(year=2020)
    current = Checklist.objects.get(year=this_year)
    assert "2020" in str(source) and current.status == Checklist.Status.PUBLISHED
    out = capsys.readouterr().out
    assert "checklist 2020" in out and f"checklist {this_year}" in out and "copied forward" in out
    carried = {duty.code: duty for duty in current.duties.all()}
    assert set(carried) == set(source.duties.values_list("code", flat=True))
    assert (carried["D-04"].due_window, carried["D-04"].due_month, carried["D-04"].due_day) == ("annual", 3, 31)
    assert carried["I-L2"].due_window == DueWindow.QUARTERLY
    call_command("load_checklist")  # again: nothing doubles
    assert current.duties.count() == len(carried)


def test_the_leaders_annual_duties_are_in_the_checklist_with_their_sources(cast):
    duties = {duty.code: duty for duty in cast.checklist.duties.all()}
    leaders = {
        "O-L1": (Subject.LEADING_GROUP, "02-end"),  # 民主生活会
        "O-L2": (Subject.LEADING_GROUP_ALL, "02-end"),  # 对照检查
        "D-L1": (Subject.LEADING_GROUP_ALL, "02-end"),  # 述责述廉
        "I-L1": (Subject.LEADING_GROUP_ALL, None),  # 讲党课 at the 联系点
        "O-L3": (Subject.LEADING_GROUP_ALL, "quarterly"),  # 双重组织生活
        "D-L2": (Subject.LEADING_GROUP_SECRETARY, None),  # 廉政谈话: 书记 → members
        "D-L3": (Subject.LEADING_GROUP_MEMBER, None),  # members → heads of 分管 departments
        "I-L2": (Subject.LEADING_GROUP, "quarterly"),  # 理论学习中心组
        "P-L1": (Subject.LEADING_GROUP, None),  # 第一议题
    }
    for code, (subject, due) in leaders.items():
        duty = duties[code]
        assert duty.subject == subject and duty.source, code
        if due == "02-end":
            assert (duty.due_window, duty.due_month, duty.due_day) == ("annual", 2, 31), code
        elif due == "quarterly":
            assert duty.due_window == DueWindow.QUARTERLY, code
    assert (duties["D-04"].due_month, duties["D-04"].due_day) == (3, 31)  # 个人有关事项


def test_moving_the_period_s_due_date_moves_the_reports_due_with_it(branch):
    second = period(2030, Half.SECOND)
    second.save()
    open_period(period=second)
    second.due_on = d(2031, 1, 15)
    second.save()
    due = dict(second.reports.values_list("assignment__duty__code", "due_on").filter(quarter__in=[0, 4]))
    assert due["P-01"] == due["C-01"] == due["Q-01"] == d(2031, 1, 15)
    assert due["A-01"] == d(2031, 3, 31)  # a date of its own is kept
    assert second.reports.get(quarter=3).due_on == d(2030, 10, 10)
