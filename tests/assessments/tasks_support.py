"""A 交办 task of unit A for the tests and the permission matrix: handed on by the admin
from a decision of a recorded 党组会议, replied to by unit A's secretary with a file."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import tasking
from assessments.models import Decision, Meeting, Task
from tests.assessments.files import pdf


def receipt(name="回执.pdf"):
    return SimpleUploadedFile(name, pdf(), content_type="application/pdf")


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def meeting_with_decisions(cast, period=None, texts=("加强支部标准化建设", "落实三会一课")) -> Meeting:
    meeting = Meeting.objects.create(
        unit=cast.party_group, held_on=timezone.localdate(), period=period, recorded_by=cast.admin
    )
    for n, text in enumerate(texts, start=1):
        Decision.objects.create(meeting=meeting, order=n, text=text)
    return meeting


def issued_task(cast, *, unit=None, post=None, days=7, decision=None) -> Task:
    return tasking.issue_task(
        actor=cast.admin,
        unit=unit or cast.unit_a,
        post=post,
        subject="报送支部标准化建设方案",
        body="按党组会议决定，制定方案并报送",
        deadline=in_days(days),
        decision=decision,
    )


def replied_task(cast, **kwargs) -> Task:
    task = issued_task(cast, **kwargs)
    return tasking.reply_to_task(task_id=task.pk, actor=cast.secretary_a, reply="已制定方案", uploads=[receipt()])


def matrix_task_objects(cast) -> dict:
    meeting = meeting_with_decisions(cast)
    task = replied_task(cast, decision=meeting.decisions.first())
    return {"task": {"pk": task.pk}, "task_file": {"pk": task.attachments.get().pk}}
