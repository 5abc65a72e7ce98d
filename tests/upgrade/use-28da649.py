"""A little use beyond the demo on main 28da649 (run by make_main_dump.sh in its shell): a
year-end workbook built the way that main built it (its own YearEndExport table), and a
file added to a recorded work record."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from honours.services import build_year_end, request_year_end
from worklog.models import WorkRecord
from worklog.services import add_files

admin = User.objects.filter(is_superuser=True).order_by("pk").first()
year = timezone.localdate().year - (1 if timezone.localdate().month < 12 else 0)
export = request_year_end(user=admin, year=year, unit=None)
build_year_end(export_id=export.pk)
pdf = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
record = WorkRecord.objects.filter(state="recorded").order_by("pk").first()
add_files(
    record_id=record.pk,
    actor=record.recorded_by,
    uploads=[SimpleUploadedFile("签到表.pdf", pdf, content_type="application/pdf")],
)
print("year-end export", export.pk, "record", record.pk, datetime.date.today())
