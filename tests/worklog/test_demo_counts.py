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


def test_the_demo_shows_one_branch_on_track_and_one_behind(settings, tmp_path, client):
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
