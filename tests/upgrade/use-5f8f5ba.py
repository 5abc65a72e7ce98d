"""A little use beyond the demo on main 5f8f5ba (run by make_main_dump.sh in its shell)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from assessments.meetings import record_meeting, waiting_for_a_meeting
from oversight.models import Rectification

admin = User.objects.filter(is_superuser=True).order_by("pk").first()
report = waiting_for_a_meeting().order_by("pk").first()
pdf = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
meeting = record_meeting(
    actor=admin,
    unit=report.unit,
    held_on=timezone.localdate() - datetime.timedelta(days=1),
    attendees=list(User.objects.filter(posts__unit=report.unit).distinct()),
    decision="同意市局党组上半年党建工作汇报。\n\n责成机关党委于月底前报送整改清单。",
    minutes=SimpleUploadedFile("会议纪要.pdf", pdf, content_type="application/pdf"),
    report_ids=[report.pk],
)
rect = Rectification.objects.filter(source="manual", report__isnull=True).order_by("pk").first()
Rectification.objects.filter(pk=rect.pk).update(report=report)
