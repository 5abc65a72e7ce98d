"""Entering work records (记一笔): record at once or keep a draft, complete it later, files
checked like evidence, every step in the record's history; who may record for a unit."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from responsibilities.models import WorkType
from worklog import services
from worklog.models import RecordFile, WorkRecord, WorkRecordEvent

from .conftest import make_record, photo

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {
        "kind": WorkType.THEME_DAY,
        "held_on": timezone.localdate().isoformat(),
        "topic": "重温入党誓词",
        "present": "12",
        "expected": "13",
    }
    data.update(overrides)
    return data


def test_a_secretary_records_a_theme_day_with_two_photos_in_one_pass(client_as, cast, duties):
    client = client_as("secretary_a")
    page = client.get(reverse("worklog:record_new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'capture="environment"' in html and 'accept="image/*"' in html and "multiple" in html
    assert f'value="{timezone.localdate().isoformat()}"' in html  # today, already filled in

    response = client.post(reverse("worklog:record_new"), {**form(), "files": [photo("a.png"), photo("b.png")]})
    record = WorkRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("worklog:record", args=[record.pk])
    assert record.state == WorkRecord.State.RECORDED and record.unit == cast.unit_a
    assert (record.present, record.expected, record.recorded_by) == (12, 13, cast.secretary_a)
    assert sorted(record.files.values_list("original_name", flat=True)) == ["a.png", "b.png"]
    # It counts for the unit's 主题党日 duty, and no other.
    assert list(record.duties.all()) == [duties["theme"]]
    actions = list(record.events.values_list("action", "to_state"))
    assert actions == [("create", "draft"), ("file_added", "draft"), ("file_added", "draft"), ("record", "recorded")]

    page = client.get(response["Location"])
    text = page.content.decode()
    assert "已记录：主题党日“重温入党誓词”，附 2 个文件。" in text
    assert "12 人实到，应到 13 人" in text and duties["theme"].title in text


def test_a_draft_is_completed_later_and_then_counts(client_as, cast, duties, deputy_a):
    client = client_as("secretary_a")
    client.post(reverse("worklog:record_new"), {**form(kind=WorkType.BRANCH_COMMITTEE, topic="待补"), "draft": "1"})
    record = WorkRecord.objects.get()
    assert record.state == WorkRecord.State.DRAFT
    assert list(record.duties.all()) == [duties["committee"]]  # already knows where it will count

    # The 党务干事 the secretary named completes it and records it.
    client.force_login(deputy_a)
    edit = reverse("worklog:record_edit", args=[record.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, form(kind=WorkType.BRANCH_COMMITTEE, topic="研究第二季度党建工作"))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == WorkRecord.State.RECORDED and record.topic == "研究第二季度党建工作"
    assert [e.actor for e in record.events.filter(action="edit")] == [deputy_a]

    # Once recorded it is kept as it was: it counts already.
    response = client.post(edit, form(topic="改过"), follow=True)
    record.refresh_from_db()
    assert record.topic == "研究第二季度党建工作"
    assert "已记录，已计入" in response.content.decode()


def test_a_record_counts_for_a_ticked_duty_too_but_never_for_another_units(cast, duties):
    data = services.RecordInput(
        kind=WorkType.MEMBERS_MEETING,
        held_on=timezone.localdate(),
        topic="支部党员大会暨主题党日",
        extra_duties=[duties["theme"].pk, 999999],
    )
    record = services.create_record(unit=cast.unit_a, actor=cast.secretary_a, data=data)
    assert set(record.duties.all()) == {duties["members"], duties["theme"]}

    # Unit B counts its 支委会 against its own assignment; A's duties ticked are not B's.
    data = services.RecordInput(kind=WorkType.BRANCH_COMMITTEE, held_on=timezone.localdate(), topic="支委会")
    data.extra_duties = [duties["theme"].pk]
    record_b = services.create_record(unit=cast.unit_b, actor=cast.secretary_b, data=data)
    assert list(record_b.duties.all()) == [duties["committee"]]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_on": "2026-13-45"}, "请按“年-月-日”填写日期，例如 2026-07-10。"),
        ({"held_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}, "日期在将来"),
        ({"topic": ""}, "请写明会议或谈话的主题。"),
        ({"present": "14"}, "实到人数多于应到人数"),
        ({"kind": WorkType.TALK}, "请写明谈话对象。"),
        ({"kind": "party"}, "不在可用的选项中"),
    ],
)
def test_bad_input_is_named_and_changes_nothing(client_as, cast, duties, overrides, message):
    response = client_as("secretary_a").post(reverse("worklog:record_new"), form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WorkRecord.objects.exists() and not WorkRecordEvent.objects.exists()


def test_a_refused_file_says_why_and_leaves_nothing(client_as, cast, duties):
    fake = SimpleUploadedFile("photo.png", b"MZ this is a program", content_type="image/png")
    response = client_as("secretary_a").post(reverse("worklog:record_new"), {**form(), "files": [photo(), fake]})
    assert response.status_code == 400
    assert "文件内容与扩展名（.png）不符" in response.content.decode()
    assert not WorkRecord.objects.exists() and not RecordFile.objects.exists()
    assert "重温入党誓词" in response.content.decode()  # the form kept as typed


def test_files_are_added_to_a_recorded_record(client_as, cast, duties):
    record = make_record(cast.unit_a, cast.secretary_a)
    client = client_as("secretary_a")
    response = client.post(reverse("worklog:record_files", args=[record.pk]), {"files": [photo("签到表.png")]})
    assert response.status_code == 302
    assert record.files.get().original_name == "签到表.png"
    download = client.get(reverse("worklog:record_file", args=[record.files.get().pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"


def test_other_units_ids_are_pages_that_do_not_exist(client_as, cast, duties):
    record = make_record(cast.unit_a, cast.secretary_a)
    draft = make_record(cast.unit_a, cast.secretary_a, record_now=False)
    client = client_as("secretary_b")
    assert client.get(reverse("worklog:record_new"), {"unit": cast.unit_a.pk}).status_code == 404
    assert client.post(reverse("worklog:record_new"), {**form(), "unit": cast.unit_a.pk}).status_code == 404
    assert client.get(reverse("worklog:record_new"), {"unit": "x"}).status_code == 404
    assert client.get(reverse("worklog:record", args=[record.pk])).status_code == 404
    assert client.post(reverse("worklog:record_files", args=[record.pk]), {"files": [photo()]}).status_code == 404
    assert WorkRecord.objects.count() == 2 and not RecordFile.objects.exists()
    # A leader reads A's recorded work, but a draft is still the branch's own.
    leader = client_as("leader")
    assert leader.get(reverse("worklog:record", args=[record.pk])).status_code == 200
    assert leader.get(reverse("worklog:record", args=[draft.pk])).status_code == 404
    assert leader.post(reverse("worklog:record_files", args=[record.pk]), {"files": [photo()]}).status_code == 403


def test_the_service_refuses_whoever_holds_no_post_in_the_unit(cast, duties):
    from core.errors import TransitionError

    data = services.RecordInput(kind=WorkType.THEME_DAY, held_on=timezone.localdate(), topic="x")
    for person in (cast.secretary_b, cast.admin, cast.leader):
        with pytest.raises(TransitionError):
            services.create_record(unit=cast.unit_a, actor=person, data=data)
    assert not WorkRecord.objects.exists()


def test_the_home_page_offers_record_work_to_post_holders(client_as, cast):
    page = client_as("secretary_a").get(reverse("assessments:my_reports")).content.decode()
    assert reverse("worklog:record_new") in page and "记一笔" in page


def test_english(client_as, cast, duties):
    client = client_as("secretary_a")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("worklog:record_new")).content.decode()
    assert "Record work" in page and "Save as draft" in page


def test_a_leaders_own_record_counts_against_the_duties_of_their_post(cast):
    """讲党课 at the 联系点 (一、二 一岗双责): a record of the post, not of the unit as a body."""
    from responsibilities.models import Duty, Post

    post = Post.objects.get(unit=cast.party_group, holder=cast.leader)
    # The default checklist's 讲党课 duty, carried by each 班子成员 (I-L1).
    lecture = Duty.objects.get(checklist=cast.checklist, code="I-L1", record_type=WorkType.LEADER_LECTURE)
    assert post.assignments.filter(duty=lecture).exists()
    data = services.RecordInput(kind=WorkType.LEADER_LECTURE, held_on=timezone.localdate(), topic="到联系点讲党课")
    record = services.create_record(unit=cast.party_group, post=post, actor=cast.leader, data=data)
    assert list(record.duties.all()) == [lecture]
    from core.errors import TransitionError

    with pytest.raises(TransitionError):  # another's post
        services.create_record(unit=cast.party_group, post=post, actor=cast.other_leader, data=data)


def test_a_records_files_are_added_under_a_lock_within_its_province(client_as, cast, duties):
    """The record is locked with its province named (read with it by the page: on Citus its
    shard only, docs/scale.md 5); the file is added."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    record = make_record(cast.unit_a, cast.secretary_a)
    with CaptureQueriesContext(connection) as queries:
        response = client_as("secretary_a").post(
            reverse("worklog:record_files", args=[record.pk]), {"files": [photo("签到表.png")]}
        )
    assert response.status_code == 302 and record.files.count() == 1
    locks = [q["sql"] for q in queries if 'FROM "worklog_workrecord"' in q["sql"] and " FOR UPDATE" in q["sql"]]
    assert len(locks) == 1 and f'"worklog_workrecord"."province_id" = {record.province_id}' in locks[0]
