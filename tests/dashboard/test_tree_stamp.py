"""The dashboard keeps its counts, ranking and trend under stamps of the unit tree and of
the stored scores that every write to their tables replaces (core/pagecache.py
``watch_tables``), instead of reading a fingerprint of every unit on each page (issue 15,
ten times province scale). A unit renamed, moved, closed by a merge or refilled, however
it was written, shows at once: no stale number or name reaches anyone."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import pagecache, provinces
from oversight import reorganization
from responsibilities.models import Unit

pytestmark = pytest.mark.django_db


def page(client, **params):
    pagecache.bump()  # the page made afresh: what is measured is the cached parts below it
    response = client.get(reverse("dashboard:index"), params)
    assert response.status_code == 200
    return response


def rows(response):
    return {(row.unit.code, row.own): (str(row.unit.label), dict(row.counts)) for row in response.context["o"].rows}


def ranking(response):
    return [(line.unit.code, str(line.unit.label), line.unit.active) for line in response.context["o"].ranking]


def test_no_query_reads_the_tree_or_the_scores_for_their_stamps(client_as, data):
    client = client_as("leader")
    page(client)
    with CaptureQueriesContext(connection) as captured:
        page(client)
    sql = [q["sql"] for q in captured]
    assert not [q for q in sql if "name_en || ':' || active" in q]  # the tree's fingerprint
    assert not [q for q in sql if "MAX(computed_at)" in q]


def test_a_unit_renamed_by_an_update_shows_in_the_rows_and_the_ranking(client_as, cast, data):
    client = client_as("leader")
    before = page(client, unit=cast.committee.pk)
    assert rows(before)[("ZBB", False)][0] == cast.unit_b.name
    Unit.objects.filter(pk=cast.unit_b.pk).update(name="乙党支部（更名）")  # no save(), no signal
    after = page(client, unit=cast.committee.pk)
    assert rows(after)[("ZBB", False)][0] == "乙党支部（更名）"
    assert ("ZBB", "乙党支部（更名）", True) in ranking(page(client))


def test_a_unit_closed_by_sql_of_its_own_shows_closed_at_once(client_as, cast, data):
    client = client_as("leader")
    assert ("ZBB", cast.unit_b.name, True) in ranking(page(client))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Unit._meta.db_table} SET active = FALSE WHERE id = %s", [cast.unit_b.pk])
    assert ("ZBB", cast.unit_b.name, False) in ranking(page(client))


def test_a_merge_shows_at_once_and_as_a_fresh_count(client_as, cast, data):
    client = client_as("leader")
    page(client, unit=cast.committee.pk)
    assert ("ZBB", cast.unit_b.name, True) in ranking(page(client))
    reorganization.merge(unit=cast.unit_b, into=cast.unit_a, on=timezone.localdate(), reason="合并", actor=cast.admin)
    after = page(client, unit=cast.committee.pk)
    ranked = ranking(page(client))
    assert ("ZBB", cast.unit_b.name, False) in ranked  # closed by the merge, at once
    cache.clear()
    assert rows(page(client, unit=cast.committee.pk)) == rows(after)
    assert ranking(page(client)) == ranked


def test_a_refill_of_the_provinces_replaces_the_units_stamp(cast):
    stamp = pagecache.tables_stamp("units")
    provinces.refill(cast.unit_b.path, cast.unit_b.province_id)
    assert pagecache.tables_stamp("units") != stamp


@pytest.mark.django_db(transaction=True)
def test_the_stamps_change_with_their_tables_only_at_once_and_again_at_commit(cast, data):
    units, scores = pagecache.tables_stamp("units"), pagecache.tables_stamp("scores")
    list(Unit.objects.all())  # a read changes nothing
    data.reports["dz"].save()  # nor a write of another table
    assert pagecache.tables_stamp("units") == units and pagecache.tables_stamp("scores") == scores
    with transaction.atomic():
        Unit.objects.filter(pk=cast.unit_a.pk).update(name_en="Branch A")
        during = pagecache.tables_stamp("units")
        assert during != units  # at once: what is read meanwhile is kept under a dead stamp
    assert pagecache.tables_stamp("units") not in (units, during)  # and again at commit
    assert pagecache.tables_stamp("scores") == scores
    from scoring.models import UnitScore

    UnitScore.objects.filter(unit=cast.unit_a, period=data.cur).update(score=1)
    assert pagecache.tables_stamp("scores") != scores
