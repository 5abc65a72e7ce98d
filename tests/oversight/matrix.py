"""Objects of unit A for the permission matrix (tests/trust): an open appraisal round in
which unit A's secretary is appraised and the two leaders rate, last year's round
published with a finding, a rectification and a notice of unit A with a file each."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appraisals import services as appraisals
from appraisals.models import AppraisalEvidence, AppraisalRound, Finding, Rater, RaterRole
from oversight import services as oversight
from oversight.demo import PIXEL
from oversight.models import Attachment


def _photo():
    return SimpleUploadedFile("照片.png", PIXEL, content_type="image/png")


def matrix_objects(cast, report) -> dict:
    year = timezone.localdate().year
    done = appraisals.create_round(year=year - 1, actor=cast.admin)
    Rater.objects.filter(round=done, role=RaterRole.PEER).delete()  # only the leaders rate
    AppraisalRound.objects.filter(pk=done.pk).update(state=AppraisalRound.State.PUBLISHED)
    appraisals.store_results(done)
    done_a = done.appraisees.get(person=cast.secretary_a)
    finding = Finding.objects.create(appraisee=done_a, text="记录不全", raised_by=cast.admin)

    current = appraisals.create_round(year=year, actor=cast.admin)
    Rater.objects.filter(round=current).delete()
    Rater.objects.bulk_create(
        Rater(round=current, person=person, role=RaterRole.LEADERSHIP) for person in (cast.leader, cast.other_leader)
    )
    AppraisalRound.objects.filter(pk=current.pk).update(state=AppraisalRound.State.OPEN)
    appraisee = current.appraisees.get(person=cast.secretary_a)
    evidence = appraisals.add_evidence(appraisee_id=appraisee.pk, actor=cast.secretary_a, upload=_photo())

    rectification = oversight.raise_rectification(
        actor=cast.leader,
        unit=cast.unit_a,
        problem="缺少记录",
        measure="补齐",
        deadline=timezone.localdate(),
        report=report,
    )
    notice = oversight.issue_notice(
        actor=cast.leader, unit=cast.unit_a, subject="督办", body="请办理", deadline=timezone.localdate()
    )
    oversight.reply_to_notice(notice_id=notice.pk, actor=cast.secretary_a, reply="已办", uploads=[_photo()])
    oversight.press_notice(notice_id=notice.pk, actor=cast.leader, comment="再办", deadline=timezone.localdate())
    attachment = Attachment.objects.filter(notice=notice).get()
    assert isinstance(evidence, AppraisalEvidence)
    return {
        "round": {"pk": current.pk},
        "round_done": {"pk": done.pk},
        "appraisee": {"pk": appraisee.pk},
        "appraisee_done": {"pk": done_a.pk},
        "appraisal_evidence": {"pk": evidence.pk},
        "finding": {"finding_id": finding.pk},
        "rectification": {"pk": rectification.pk},
        "rectification_report": {"report_id": report.pk},
        "notice": {"pk": notice.pk},
        "notice_source": {"notice_id": notice.pk},
        "attachment": {"pk": attachment.pk},
    }


def appraisal_and_oversight_forms(cast, report) -> list[tuple]:
    """The 述职评议, 整改 and 督办 forms for the hostile-input test: (url name, kwargs, role,
    report state, good data, {field: kind of hostile value})."""
    objects = matrix_objects(cast, report)
    today = timezone.localdate()
    soon = str(today + datetime.timedelta(days=10))
    draft = appraisals.create_round(year=today.year + 3, actor=cast.admin)
    current = AppraisalRound.objects.get(pk=objects["round"]["pk"])
    criteria = list(current.criteria.all())
    level = current.levels.first().pk
    marks = {f"m_{a.pk}_{c.pk}": str(level) for a in current.appraisees.all() for c in criteria}
    first_mark = next(iter(marks))
    appraisee = objects["appraisee"]["pk"]
    settings = {
        "title": "评议",
        "min_valid_ballots": "5",
        "leadership_weight": "50",
        "committee_weight": "30",
        "peer_weight": "20",
        "peer_sample_size": "3",
        "due_on": "",
    }
    formsets = {
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "履职",
        "criteria-0-weight": "100",
        "levels-TOTAL_FORMS": "2",
        "levels-INITIAL_FORMS": "0",
        "levels-0-name": "好",
        "levels-0-points": "100",
        "levels-0-min_score": "90",
        "levels-1-name": "差",
        "levels-1-points": "50",
        "levels-1-min_score": "0",
    }
    rectification = {"problem": "问题", "measure": "措施", "unit": str(cast.unit_a.pk), "post": "", "deadline": soon}
    rectification_kinds = {"problem": "text", "measure": "text", "unit": "id", "post": "id", "deadline": "date"}
    return [
        ("oversight:rectification_new", {}, "admin", "draft", rectification, rectification_kinds),
        (
            "oversight:raise_from_report",
            {"report_id": report.pk},
            "leader",
            "draft",
            rectification,
            rectification_kinds,
        ),
        (
            "oversight:report_done",
            objects["rectification"],
            "secretary_a",
            "draft",
            {"completion": "已改"},
            {"completion": "text"},
        ),
        (
            "oversight:verify",
            objects["rectification"],
            "leader",
            "draft",
            {"action": "send_back", "comment": "再改", "deadline": soon},
            {"action": "text", "comment": "text", "deadline": "date"},
        ),
        (
            "oversight:notice_new",
            {},
            "supervisor",
            "draft",
            {"unit": str(cast.unit_a.pk), "matter": "other", "subject": "督办", "body": "请办理", "deadline": soon},
            {"unit": "id", "matter": "text", "subject": "text", "body": "text", "deadline": "date"},
        ),
        ("oversight:reply", objects["notice"], "secretary_a", "draft", {"reply": "已办"}, {"reply": "text"}),
        (
            "oversight:settle",
            objects["notice"],
            "leader",
            "draft",
            {"action": "press", "comment": "再办", "deadline": soon},
            {"action": "text", "comment": "text", "deadline": "date"},
        ),
        (
            "appraisals:round_new",
            {},
            "admin",
            "draft",
            {"year": str(today.year + 5), **settings},
            {
                "year": "number",
                "title": "text",
                "min_valid_ballots": "number",
                "peer_weight": "number",
                "due_on": "date",
            },
        ),
        (
            "appraisals:round_edit",
            {"pk": draft.pk},
            "admin",
            "draft",
            {**settings, **formsets},
            {
                "leadership_weight": "number",
                "criteria-TOTAL_FORMS": "number",
                "criteria-0-name": "text",
                "criteria-0-weight": "number",
                "levels-1-min_score": "number",
            },
        ),
        (
            "appraisals:participants",
            {"pk": draft.pk},
            "admin",
            "draft",
            {"posts": str(objects_post(cast))},
            {"posts": "id", "leadership": "id", "action": "text"},
        ),
        (
            "appraisals:report",
            {"pk": appraisee},
            "secretary_a",
            "draft",
            {"report": "述职", "answers": "", "action": "save"},
            {"report": "text", "answers": "text", "action": "text"},
        ),
        ("appraisals:rate", objects["round"], "leader", "draft", marks, {first_mark: "id", "incomplete_ok": "text"}),
        ("appraisals:finding_add", objects["appraisee_done"], "leader", "draft", {"text": "问题"}, {"text": "text"}),
    ]


def objects_post(cast) -> int:
    """Unit A's secretary post."""
    return cast.unit_a.posts.get(holder=cast.secretary_a).pk
