"""党组会议 decisions (issue 14, item 3): a meeting recorded before this change kept its
decision as one text; migrated forward, each meeting has that text as its first (and only)
``Decision``, its attendees, minutes and reports untouched, and migrating back restores
the text. The release dump holds no meeting (meetings came after it), so the meetings
are written at the migration before this change and migrated forward here."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from responsibilities.models import Unit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("assessments", "0009_outside_reviews")]


def executor_at(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_each_meetings_decision_text_becomes_one_decision_row(upgraded):
    # The release's database migrates forward through the change (no meeting in it).
    assert upgraded.scalar("SELECT count(*) FROM assessments_decision") == 0
    assert "0014_meeting_decision_rows" in upgraded.migrate_output
    leaves = latest()
    try:
        old = executor_at(BEFORE).loader.project_state(BEFORE).apps
        Meeting = old.get_model("assessments", "Meeting")
        # The tables of the other apps are today's: their rows are written with today's models.
        party = Unit.objects.create(path="9999", depth=1, code="DZX", name="党组", kind="leading_group")
        admin = get_user_model().objects.create(username="upgrade_admin", full_name="管理员")
        texts = ["审议通过上半年党建工作汇报。\n要求各支部对照整改。", "同意"]
        ids = [
            Meeting.objects.create(unit_id=party.pk, held_on="2026-07-10", decision=text, recorded_by_id=admin.pk).pk
            for text in texts
        ]
        Meeting.objects.get(pk=ids[0]).attendees.add(admin.pk)

        new = executor_at(leaves).loader.project_state(leaves).apps
        Decision = new.get_model("assessments", "Decision")
        rows = list(
            Decision.objects.filter(meeting_id__in=ids)
            .order_by("meeting_id")
            .values_list("meeting_id", "order", "text")
        )
        assert rows == [(ids[0], 1, texts[0]), (ids[1], 1, texts[1])]
        assert list(
            new.get_model("assessments", "Meeting").objects.get(pk=ids[0]).attendees.values_list("username", flat=True)
        ) == ["upgrade_admin"]
        assert new.get_model("assessments", "Meeting").objects.filter(pk__in=ids, period__isnull=True).count() == 2

        back = executor_at(BEFORE).loader.project_state(BEFORE).apps
        restored = dict(
            back.get_model("assessments", "Meeting").objects.filter(pk__in=ids).values_list("pk", "decision")
        )
        assert restored == dict(zip(ids, texts, strict=True))
    finally:
        executor_at(leaves)
