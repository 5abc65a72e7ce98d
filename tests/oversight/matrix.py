"""Objects of unit A for the permission matrix (tests/trust): an open appraisal round in
which unit A's secretary is appraised and the two leaders rate, last year's round
published with a finding, a rectification and a notice of unit A with a file each."""

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
