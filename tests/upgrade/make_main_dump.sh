#!/usr/bin/env bash
# How tests/upgrade/main-5f8f5ba.sql.gz was made: the main before the half-year of model
# changes it tests (5f8f5ba), set up as `make data` does, plus a little use beyond the demo
# (a 党组会议 with a two-paragraph decision; a hand-entered rectification later tied to a
# report), then dumped. Run from the repository root; needs PostgreSQL on 127.0.0.1.
# The audit key is the one the tests derive (config/settings/test.py), so verify_audit
# can check the chain after the upgrade.
set -euo pipefail
OUT="${OUT:-$(pwd)/tests/upgrade/main-5f8f5ba.sql.gz}"
PREV=$(mktemp -d)
git clone -q . "$PREV" && git -C "$PREV" checkout -q 5f8f5ba
ln -s "$(pwd)/.venv" "$PREV/.venv" && ln -s "$(pwd)/node_modules" "$PREV/node_modules"
cd "$PREV"
DB=mingze_upgrade_prevmain
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB DJANGO_SETTINGS_MODULE=config.settings.local \
       MEDIA_ROOT=$PREV/var/media MINGZE_AUDIT_ANCHOR_DIR=$PREV/var/audit CELERY_BROKER_URL=memory://
AUDIT_KEY=$(.venv/bin/python -c 'from config.settings.base import audit_key_for; print(audit_key_for("mingze-tests-only"))')
export AUDIT_KEY
M=".venv/bin/python manage.py"
$M migrate --noinput -v0
$M load_checklist
$M load_demo
$M sync_schedules
$M shell <<'PY'
import datetime
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from accounts.models import User
from assessments.meetings import record_meeting, waiting_for_a_meeting
from oversight.models import Rectification

admin = User.objects.filter(is_superuser=True).order_by("pk").first()
report = waiting_for_a_meeting().order_by("pk").first()
pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
meeting = record_meeting(
    actor=admin, unit=report.unit, held_on=timezone.localdate() - datetime.timedelta(days=1),
    attendees=list(User.objects.filter(posts__unit=report.unit).distinct()),
    decision="同意市局党组上半年党建工作汇报。\n\n责成机关党委于月底前报送整改清单。",
    minutes=SimpleUploadedFile("会议纪要.pdf", pdf, content_type="application/pdf"), report_ids=[report.pk],
)
rect = Rectification.objects.filter(source="manual", report__isnull=True).order_by("pk").first()
Rectification.objects.filter(pk=rect.pk).update(report=report)
PY
DJANGO_SETTINGS_MODULE=config.settings.test $M verify_audit
pg_dump --no-owner --no-acl -h 127.0.0.1 -U postgres $DB | gzip -9 > "$OUT"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $DB"
rm -rf "$PREV"
