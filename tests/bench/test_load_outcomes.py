"""`make load` tells a refusal the person is meant to see from an error (load/outcomes.py),
judged on the application's real answers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from load.outcomes import classify

pytestmark = pytest.mark.django_db


def test_submitting_a_report_already_submitted_is_a_refusal_with_its_message(client_as, submitted_a):
    url = reverse("assessments:report_file", args=[submitted_a.pk])
    answer = client_as("secretary_a").post(url, {"content": "再交一次", "action": "submit"})
    outcome, message = classify(answer.status_code, answer.content.decode(), expect=(302,))
    assert (answer.status_code, outcome) == (400, "refused")
    assert "该报告当前状态为“已提交”" in message  # the state the report is in now, as the page says


def test_a_file_that_is_not_what_its_name_says_is_a_refusal(client_as, report_a):
    url = reverse("assessments:evidence_add", args=[report_a.pk])
    upload = SimpleUploadedFile("会议记录.pdf", b"not a pdf at all", "application/pdf")
    answer = client_as("secretary_a").post(
        url, {"description": "会议记录", "work_date": "2026-03-01", "file": upload}, HTTP_HX_REQUEST="true"
    )
    outcome, message = classify(answer.status_code, answer.content.decode())
    assert (answer.status_code, outcome) == (422, "refused")
    assert ".pdf" in message


def test_another_units_report_a_lost_session_and_a_bare_400_are_errors(client_as, report_b):
    other = client_as("secretary_a").get(reverse("assessments:report", args=[report_b.pk]))
    assert classify(other.status_code, other.content.decode()) == ("error", "404")
    signed_out = Client().get(reverse("assessments:report", args=[report_b.pk]))
    assert classify(signed_out.status_code, "", location=signed_out["Location"]) == ("error", "session lost")
    assert classify(400, "<p>Bad Request (400)</p>") == ("error", "400")


def test_a_returned_reports_refusal_is_told_by_its_own_message_not_by_the_return_note(client_as, cast, submitted_a):
    """A returned report's page shows the reviewer's 退回意见 in red above the form; a
    refused submission of it is counted by what refused it, not by that note."""
    client_as("leader").post(
        reverse("assessments:report_review", args=[submitted_a.pk]),
        {"action": "return", "return-comment": "请补充会议签到表"},
    )
    url = reverse("assessments:report_file", args=[submitted_a.pk])
    answer = client_as("secretary_a").post(url, {"content": " ", "action": "submit"})
    outcome, message = classify(answer.status_code, answer.content.decode(), expect=(302,))
    assert "请补充会议签到表" in answer.content.decode()  # the note is on the page
    assert (answer.status_code, outcome) == (400, "refused")
    assert message and "请补充会议签到表" not in message, message
