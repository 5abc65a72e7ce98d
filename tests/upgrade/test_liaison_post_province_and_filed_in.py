"""A liaison's post's province and the provinces a person filed in (issue 16 item 5,
docs/scale.md section 5): a database at the migrations before this change, with liaisons —
one whose post lies in another province than its unit — submitted reports in two
provinces and notices, migrated forward. Each liaison gets its post's province
(``responsibilities`` 0017), and each submitter and issuer the provinces they filed in
(``assessments`` 0024, ``oversight`` 0014), so that an outgoing holder still finds their
own report after the upgrade."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessments.models import Report
from oversight.services import issue_notice
from responsibilities.models import Liaison, Post, Unit
from responsibilities.services import set_liaison
from tests.core.test_provinces_spanning import period, two_provinces  # noqa: F401 (fixtures)
from tests.upgrade.conftest import executor_at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [
    ("responsibilities", "0015_province_foreign_keys"),
    ("assessments", "0023_report_tally_turns"),
    ("oversight", "0013_province_foreign_keys"),
]


def test_liaisons_get_their_posts_province_and_filers_their_provinces(cast, period, two_provinces):  # noqa: F811
    # A liaison whose post lies in another province (the 纪检监察组's, a root of its own).
    post = Post.objects.filter(unit=cast.discipline, holder=cast.supervisor).order_by("pk").first()
    Liaison.objects.filter(unit=cast.unit_b).update(started=timezone.localdate() - datetime.timedelta(days=30))
    set_liaison(unit=Unit.objects.get(pk=cast.unit_b.pk), post=post)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    issue_notice(actor=cast.leader, unit=cast.discipline, subject="督办", body="请落实", deadline=deadline)
    issue_notice(actor=cast.admin, unit=cast.unit_a, subject="督办", body="请落实", deadline=deadline)
    filed = {
        *Report.objects.filter(submitted_at__isnull=False).values_list("responsible_id", "province_id"),
        (cast.leader.pk, cast.discipline.pk),
        (cast.admin.pk, cast.unit_a.province_id),
    }
    assert {province for _person, province in filed} == {cast.party_group.pk, cast.discipline.pk}
    expected = dict(Liaison.objects.values_list("pk", "post__province_id"))
    crossing = Liaison.objects.get(unit=cast.unit_b, ended__isnull=True)
    assert crossing.province_id != expected[crossing.pk] == cast.discipline.pk

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = executor_at(BEFORE).loader.project_state(BEFORE).apps
        old_liaison = old.get_model("responsibilities", "Liaison")
        assert "post_province" not in {f.name for f in old_liaison._meta.get_fields()}
        assert old_liaison.objects.count() == len(expected)
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('responsibilities_filedin')")
            assert cursor.fetchone() == (None,)

        new = executor_at(leaves).loader.project_state(leaves).apps
        liaisons = new.get_model("responsibilities", "Liaison")
        assert dict(liaisons.objects.values_list("pk", "post_province_id")) == expected
        got = set(new.get_model("responsibilities", "FiledIn").objects.values_list("person_id", "province_id"))
        assert got == filed
    finally:
        executor_at(leaves)
