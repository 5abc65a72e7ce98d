"""Excel import/export (django-import-export) of units, post holders and duties."""

import pytest
import tablib

from responsibilities.models import Duty, Post, Unit
from responsibilities.resources import DutyResource, PostResource, UnitResource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_units_round_trip_and_new_units_join_the_tree(cast):
    exported = UnitResource().export()
    assert "ZBA" in exported.csv and "JGDW" in exported.csv
    data = tablib.Dataset(headers=["code", "name", "name_en", "kind", "parent", "liaison", "active"])
    data.append(["ZBC", "丙党支部", "Branch C", "branch", "JGDW", cast.leader.username, "1"])
    result = UnitResource().import_data(data, dry_run=False)
    assert not result.has_errors(), [e.error for row in result.row_errors() for e in row[1]]
    branch = Unit.objects.get(code="ZBC")
    assert Unit.objects.get_parent(branch).code == "JGDW" and branch.liaison == cast.leader
    assert branch in cast.committee.subtree()


def test_importing_a_new_post_holder_keeps_the_tenure_history(cast):
    newcomer = UserFactory(username="xin")
    post = Post.objects.get(unit=cast.unit_a, title="支部书记")
    # The current holder started today; a change of holder takes effect from tomorrow.
    post.tenures.update(started=post.tenures.get().started.replace(year=post.tenures.get().started.year - 1))
    data = tablib.Dataset(headers=["unit", "title", "kind", "holder", "active"])
    data.append(["ZBA", "支部书记", "secretary", "xin", "1"])
    result = PostResource().import_data(data, dry_run=False)
    assert not result.has_errors()
    post.refresh_from_db()
    assert post.holder == newcomer
    assert list(post.tenures.order_by("started").values_list("person__username", flat=True)) == ["sec_a", "xin"]


def test_duties_import_updates_by_year_and_code(cast):
    data = DutyResource().export(queryset=Duty.objects.filter(code="P-01"))
    row = dict(zip(data.headers, data[0], strict=True))
    assert row["year"] == cast.checklist.year and row["category"] == "political"
    row["title"] = "把方向、管大局、保落实（修订）"
    changed = tablib.Dataset(headers=list(row))
    changed.append(list(row.values()))
    result = DutyResource().import_data(changed, dry_run=False)
    assert not result.has_errors()
    assert Duty.objects.filter(code="P-01").count() == 1
    assert Duty.objects.get(code="P-01").title.endswith("（修订）")
    assert Duty.objects.get(code="P-01").history.count() >= 2
