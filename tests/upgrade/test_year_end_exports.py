"""The year-end summaries become the dashboard's exports (issue 10): a summary made before
this change — asked for, built, its workbook on disk — is, migrated forward, an export of
kind ``year_end`` with the same token, year, subtree, asker, state, time and file, which
its asker downloads from the same link; migrating back restores the summary."""

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from responsibilities.models import Unit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [
    ("honours", "0001_honours_rounds_nominations_and_year_end"),
    ("dashboard", "0005_export_kinds_word_and_ledger"),
]


def executor_at(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_year_end_summary_becomes_an_export_with_its_file_and_comes_back(client):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = executor_at(BEFORE).loader.project_state(BEFORE).apps
        YearEndExport = old.get_model("honours", "YearEndExport")
        branch = Unit.objects.create(path="9998", depth=1, code="ZBX", name="升级支部", kind="branch")
        asker = get_user_model().objects.create(username="upgrade_admin", full_name="管理员", is_superuser=True)
        name = default_storage.save("exports/year-end/2025/summary.xlsx", ContentFile(b"PK-workbook"))
        asked = timezone.now() - datetime.timedelta(days=30)
        done = YearEndExport.objects.create(
            year=2025, unit_id=branch.pk, requested_by_id=asker.pk, status="done", progress=100,
            file=name, language="zh-hans", finished_at=asked,
        )  # fmt: skip
        failed = YearEndExport.objects.create(
            year=2024, unit_id=None, requested_by_id=asker.pk, status="failed", error="磁盘已满"
        )
        YearEndExport.objects.filter(pk=done.pk).update(created_at=asked)

        new = executor_at(leaves).loader.project_state(leaves).apps
        Export = new.get_model("dashboard", "Export")
        rows = {row.token: row for row in Export.objects.filter(kind="year_end", token__in=[done.token, failed.token])}
        moved = rows[done.token]
        assert (moved.year, moved.unit_id, moved.requested_by_id, moved.status, moved.progress) == (
            2025, branch.pk, asker.pk, "done", 100,
        )  # fmt: skip
        assert moved.period_id is None and moved.created_at == asked and moved.language == "zh-hans"
        assert moved.file.name == name and default_storage.open(name).read() == b"PK-workbook"
        assert (rows[failed.token].status, rows[failed.token].error, rows[failed.token].unit_id) == (
            "failed", "磁盘已满", None,
        )  # fmt: skip
        # The same link hands out the same file, now as one of the dashboard's exports.
        client.force_login(asker)
        response = client.get(reverse("honours:year_end_download", args=[done.token]))
        assert response.status_code == 200 and b"".join(response.streaming_content) == b"PK-workbook"
        assert client.get(reverse("honours:year_end_download", args=[uuid.uuid4()])).status_code == 404

        back = executor_at(BEFORE).loader.project_state(BEFORE).apps
        restored = back.get_model("honours", "YearEndExport").objects.get(token=done.token)
        assert (restored.year, restored.unit_id, restored.status, restored.file.name) == (2025, branch.pk, "done", name)
        assert not back.get_model("dashboard", "Export").objects.filter(token=done.token).exists()
    finally:
        executor_at(leaves)
