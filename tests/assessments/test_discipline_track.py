"""The 纪检监察组 on its own track (issue 12, item 4): its own root, never ranked with the
units it supervises, its reports 审议 by the 党组书记, its 内部/涉密 files seen only by
itself and the 书记."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.models import Evidence, Report
from assessments.permissions import can_review
from core.errors import TransitionError
from tests.assessments.files import pdf

pytestmark = pytest.mark.django_db


def discipline_report(cast, period):
    return Report.objects.select_related("unit", "assignment__post").filter(period=period, unit=cast.discipline).first()


# The file's own name: the duty itself asks for a 问题线索处置台账 (its expected evidence is
# on the report page for everyone who may see the report), so the file is told apart by its number.
MARKED = "问题线索处置台账（2026-3）"


def ledger(report, person, marking="internal"):
    return services.add_evidence(
        report_id=report.pk,
        actor=person,
        upload=SimpleUploadedFile(f"{MARKED}.pdf", pdf(), content_type="application/pdf"),
        description=MARKED,
        work_date=datetime.date.today(),
        marking=marking,
    )


def test_the_demo_makes_it_a_root_of_its_own(db):
    from responsibilities.demo import load_demo
    from responsibilities.models import Checklist, Unit

    Checklist.objects.create(year=2026)
    load_demo(checklist_year=2026)
    assert Unit.objects.get(code="JJZ").depth == 1


def test_its_reports_go_to_the_party_secretary(cast, period):
    report = discipline_report(cast, period)
    services.submit_report(report_id=report.pk, actor=cast.supervisor, content="监督检查 3 次")
    report = Report.objects.select_related("unit", "assignment__post").get(pk=report.pk)
    assert can_review(cast.other_leader, report)  # the 党组书记
    for person in (cast.admin, cast.leader, cast.supervisor):
        assert not can_review(person, report)


def test_marked_files_only_for_the_group_and_the_party_secretary(client, cast, period):
    evidence = ledger(discipline_report(cast, period), cast.supervisor)
    url = reverse("assessments:evidence_download", args=[evidence.pk])
    report_url = reverse("assessments:report", args=[evidence.report_id])
    for person, status in (
        (cast.supervisor, 200),
        (cast.other_leader, 200),
        (cast.leader, 404),
        (cast.admin, 404),
        (cast.secretary_a, 404),
    ):
        client.force_login(person)
        assert client.get(url).status_code == status, person
        if status == 404 and person != cast.secretary_a:
            assert MARKED not in client.get(report_url).content.decode()
        elif status == 200:  # the group and the 书记 see the file listed
            assert MARKED in client.get(report_url).content.decode()


def test_only_the_group_marks_a_file(cast, report_a):
    with pytest.raises(TransitionError):
        ledger(report_a, cast.secretary_a, marking="secret")
    assert not Evidence.objects.filter(report=report_a).exists()


def test_the_admin_records_the_superior_bodys_outside_review(client_as, cast, period):
    from assessments.models import OutsideReview

    report = discipline_report(cast, period)
    services.submit_report(report_id=report.pk, actor=cast.supervisor, content="监督检查 3 次")
    client = client_as("admin")
    url = reverse("assessments:outside_reviews")
    assert client.get(url).status_code == 200
    data = {
        "report": report.pk,
        "body": "市纪委监委",
        "reviewed_on": datetime.date.today(),
        "conclusion": "认真履行监督责任",
    }
    assert client.post(url, data).status_code == 302
    review = OutsideReview.objects.get()
    assert review.report_id == report.pk and review.recorded_by == cast.admin
    assert Report.objects.get(pk=report.pk).state == Report.State.SUBMITTED  # the 书记's to decide
    future = datetime.date.today() + datetime.timedelta(days=2)
    assert client.post(url, {**data, "reviewed_on": future}).status_code == 400
    assert client.post(url, {**data, "report": "x"}).status_code == 400
    assert OutsideReview.objects.count() == 1
    for role in ("leader", "other_leader", "supervisor", "secretary_a"):
        assert client_as(role).get(url).status_code == 403
