"""After `make run` 履责纪实 has something to show: a half-year of records for 第一党支部
(on track) and 第二党支部 (behind: two 支委会 missing), a draft to complete, a talk whose
notes stay private; loading the demo twice changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from responsibilities.models import WorkType
from responsibilities.services import load_checklist_file
from worklog.demo import half_months
from worklog.models import RecordFile, WorkRecord

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_half_year_of_records_for_two_branches(one_day, settings, tmp_path, client):
    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path)
    load_checklist_file(path=settings.MINGZE_CHECKLIST_PATH, year=timezone.localdate().year)
    call_command("load_demo")
    # A 支委会 is held on the 6th of each month of the half-year; none is made before its day
    # (on the 1st of December there is no December one yet), but the half's first month's
    # is held by today (on 1 January there is one). 第二党支部 missed the first two.
    today = timezone.localdate()
    held = [i for i, month in enumerate(half_months(today)) if i == 0 or month.replace(day=6) <= today]
    recorded = WorkRecord.objects.filter(state=WorkRecord.State.RECORDED, kind=WorkType.BRANCH_COMMITTEE)
    assert recorded.filter(unit__code="ZB01").count() == len(held)
    assert recorded.filter(unit__code="ZB02").count() == len([i for i in held if i not in (0, 1)])
    assert WorkRecord.objects.filter(unit__code="ZB01", state=WorkRecord.State.DRAFT).count() == 1
    assert RecordFile.objects.filter(content_type="image/jpeg").exists()
    before = (WorkRecord.objects.count(), RecordFile.objects.count())
    call_command("load_demo")
    assert (WorkRecord.objects.count(), RecordFile.objects.count()) == before

    client.force_login(User.objects.get(username="shuji1"))
    listing = client.get(reverse("worklog:records")).content.decode()
    assert "重温入党誓词" in listing and "待补纪要" in listing
    talk = WorkRecord.objects.get(unit__code="ZB01", kind=WorkType.TALK)
    assert "老人住院" in client.get(reverse("worklog:record", args=[talk.pk])).content.decode()
    client.force_login(User.objects.get(username="lihua"))
    page = client.get(reverse("worklog:record", args=[talk.pk])).content.decode()
    assert "年度谈心谈话" in page and "老人住院" not in page
