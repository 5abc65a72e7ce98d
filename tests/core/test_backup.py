"""A backup restored into an empty database gives the same data and the same files."""

import os

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from assessments.models import Half, Report
from assessments.services import get_or_create_period, open_period
from core.backup import backup, restore
from tests.conftest import build_cast
from tests.services import need_postgres

TABLES = [
    "responsibilities_unit",
    "responsibilities_duty",
    "responsibilities_assignment",
    "assessments_report",
    "accounts_user",
]


def counts(cursor):
    result = {}
    for table in TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        result[table] = cursor.fetchone()[0]
    cursor.execute("SELECT state, count(*) FROM assessments_report GROUP BY state ORDER BY state")
    result["states"] = cursor.fetchall()
    return result


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_database(tmp_path):
    need_postgres()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    os.makedirs(tmp_path / "media" / "evidence", exist_ok=True)
    (tmp_path / "media" / "evidence" / "proof.pdf").write_bytes(b"%PDF-1.4 proof")
    cast = build_cast()
    period = get_or_create_period(year=cast.checklist.year, half=Half.FIRST)
    open_period(period=period)
    Report.objects.filter(unit=cast.unit_a).update(state="approved", grade="good")

    with connection.cursor() as cursor:
        before = counts(cursor)
    folder = backup(target=tmp_path / "backups")
    (tmp_path / "media" / "evidence" / "proof.pdf").unlink()

    db = settings.DATABASES["default"]
    target = f"{db['NAME']}_restored"
    admin = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{target}"
        restore(source=folder, database_url=url)
        restored = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=target)
        with restored.cursor() as cursor:
            assert counts(cursor) == before
        restored.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.close()
    assert (tmp_path / "media" / "evidence" / "proof.pdf").read_bytes() == b"%PDF-1.4 proof"
    assert before["responsibilities_assignment"] > 0 and ("approved", before["states"][0][1]) in before["states"]
