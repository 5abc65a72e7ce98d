"""The demo's records counted against the rules (issue 13, "done when"): 第一党支部's
secretary sees its 支委会 on track, 第二党支部's sees it behind, and the leader's dashboard
panel shows 第二党支部 behind with a link to its records."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from responsibilities.models import Assignment
from responsibilities.services import load_checklist_file
from worklog import compliance

pytestmark = pytest.mark.django_db


def tally(code, unit_code):
    # This year's (in January to June the demo keeps last year's checklist too, for its past).
    rows = Assignment.objects.filter(
        duty__code=code, unit__code=unit_code, duty__checklist__year=timezone.localdate().year
    )
    rows = rows.select_related("duty", "unit", "post")
    (found,) = compliance.tallies(rows)
    return found


def test_the_demo_shows_one_branch_on_track_and_one_behind(one_day, settings, tmp_path, client):
    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path)
    load_checklist_file(path=settings.MINGZE_CHECKLIST_PATH, year=timezone.localdate().year)
    call_command("load_demo")
    on_track, behind = tally("B-01", "ZB01"), tally("B-01", "ZB02")
    assert on_track.done > behind.done
    assert on_track.status == compliance.ON_TRACK
    if behind.required:  # from the first month's end on, the missing 支委会 show
        assert behind.status != compliance.ON_TRACK

    client.force_login(User.objects.get(username="shuji1"))
    page = client.get(reverse("assessments:my_reports")).content.decode()
    assert "履责纪实完成进度" in page and f"{on_track.done}/6" in page
    client.force_login(User.objects.get(username="shuji2"))
    page = client.get(reverse("assessments:my_reports")).content.decode()
    assert f"{behind.done}/6" in page and str(behind.words) in page

    client.force_login(User.objects.get(username="lihua"))
    panel = client.get(reverse("dashboard:compliance")).content.decode()
    assert "履责纪实完成进度" in panel and "支部委员会" in panel


# (day, 第一党支部's 支委会 this half, 第二党支部's, 第二党支部's status). The rule counts the
# 支委会 held against the months ended (compliance.tallies): 第二党支部 misses the half's
# first two months, so it shows behind from the second month on, every day of the year (it
# missed the second and fourth before, and was on track from February to early April
# and August to early October); in the half's first month nothing is due yet, and the
# month's records are held by today (from 1 January, the half has something to show).
DAYS = [
    ("2027-01-01", 1, 0, compliance.ON_TRACK),
    ("2027-01-20", 1, 0, compliance.ON_TRACK),
    ("2027-02-10", 2, 0, compliance.YELLOW),
    ("2027-03-15", 3, 1, compliance.YELLOW),
    ("2027-06-30", 6, 4, compliance.YELLOW),
    ("2027-07-01", 1, 0, compliance.ON_TRACK),
    ("2027-12-01", 5, 3, compliance.RED),
]


@pytest.mark.parametrize("day, on_track_done, behind_done, behind_status", DAYS)
def test_the_demo_branches_counts_on_any_day(settings, tmp_path, day, on_track_done, behind_done, behind_status):
    """The secretaries' homes and the leader's panel show 第一党支部 on track and 第二党支部
    behind (issue 13) whatever the day the demo is loaded, not only on some of them."""
    import datetime

    import time_machine

    from core import demo
    from worklog.demo import load_demo_records
    from worklog.models import WorkRecord

    settings.MEDIA_ROOT = str(tmp_path)
    today = datetime.date.fromisoformat(day)
    with time_machine.travel(datetime.datetime.fromisoformat(f"{day}T09:00+08:00"), tick=False):
        load_checklist_file(path=settings.MINGZE_CHECKLIST_PATH, year=today.year)
        demo.run(year=today.year, only=["organization"])  # the units, posts and people
        load_demo_records(today)
        on_track, behind = tally("B-01", "ZB01"), tally("B-01", "ZB02")
    assert (on_track.done, behind.done) == (on_track_done, behind_done)
    assert on_track.status == compliance.ON_TRACK and behind.status == behind_status
    records = WorkRecord.objects.filter(state=WorkRecord.State.RECORDED, held_on__lte=today)
    assert records.filter(unit__code="ZB01", kind="talk").exists()  # the half's 谈心谈话
    assert records.filter(unit__code="ZB01", files__content_type="image/jpeg").exists()


def test_the_demo_loaded_again_later_in_the_first_month_makes_nothing_twice(settings, tmp_path):
    """Loaded on 1 January the month's records are held that day; loaded again on the 20th
    (their planned days past) it makes no second 支委会 or 主题党日 for January."""
    import datetime

    import time_machine

    from core import demo
    from worklog.demo import load_demo_records
    from worklog.models import WorkRecord

    settings.MEDIA_ROOT = str(tmp_path)
    for day in ("2027-01-01", "2027-01-20"):
        with time_machine.travel(datetime.datetime.fromisoformat(f"{day}T09:00+08:00"), tick=False):
            if day == "2027-01-01":
                load_checklist_file(path=settings.MINGZE_CHECKLIST_PATH, year=2027)
                demo.run(year=2027, only=["organization"])
            load_demo_records(datetime.date.fromisoformat(day))
    recorded = WorkRecord.objects.filter(unit__code="ZB01", state=WorkRecord.State.RECORDED)
    assert recorded.filter(kind="branch_committee").count() == 1
    assert recorded.filter(kind="theme_day").count() == recorded.filter(kind="talk").count() == 1
