#!/usr/bin/env bash
# How tests/upgrade/main-<rev>.sql.gz is made: a previous main (REV, default 5f8f5ba) set up as
# `make data` does, plus a little use beyond the demo (tests/upgrade/use-<rev>.py, run in that
# main's shell: for 5f8f5ba a 党组会议 with a two-paragraph decision and a hand-entered
# rectification later tied to a report; for 28da649 a year-end workbook and a work record's
# file), then dumped. Run from the repository root; needs PostgreSQL on 127.0.0.1.
# The audit key is the one the tests derive (config/settings/test.py), so verify_audit
# can check the chain after the upgrade.
set -euo pipefail
REV="${REV:-5f8f5ba}"
OUT="${OUT:-$(pwd)/tests/upgrade/main-$REV.sql.gz}"
USE="$(pwd)/tests/upgrade/use-$REV.py"
PREV=$(mktemp -d)
git clone -q . "$PREV" && git -C "$PREV" checkout -q "$REV"
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
$M shell < "$USE"
DJANGO_SETTINGS_MODULE=config.settings.test $M verify_audit
pg_dump --no-owner --no-acl -h 127.0.0.1 -U postgres $DB | gzip -9 > "$OUT"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $DB"
rm -rf "$PREV"
