"""A unit added (the Excel import, a split, the admin, ``Unit.objects.add_child``) while
another admin moves its parent's subtree (real PostgreSQL, each in its own connection):
the two queue on the province, and the new unit lands under its parent's new path.

Lined up by a lock, as in ``test_unit_move_concurrency``: a transaction holding a table
keeps the first step waiting part-way, the second starts once the first waits, and the
holder commits once both wait. Before unit creation held its province, an import that had
added a branch (its liaison still to write) let a move of the branch's parent rewrite the
subtree's paths without the branch, which its snapshot did not see: the branch stayed
under its parent's old path, an orphan of the tree; and a move that made room among the
siblings found the new unit at the path it shifted a sibling to ("duplicate key")."""

import pytest
import tablib

from responsibilities.models import PostKind, Unit, UnitKind
from responsibilities.resources import UnitResource
from tests.factories import PostFactory, UnitFactory
from tests.responsibilities.test_unit_move_concurrency import assert_counted, lined_up, move
from tests.services import need_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres():
    need_postgres()


@pytest.fixture
def other(cast):
    """Another province's 党组, with a branch coded before every branch of the 机关党委."""
    other = UnitFactory(code="SHENG2", name="另一省党组", kind=UnitKind.LEADING_GROUP)
    early = UnitFactory(code="HB", name="另一省甲支部", parent=other)
    PostFactory(unit=early, title="支部书记", kind=PostKind.SECRETARY)
    return Unit.objects.get(pk=other.pk), Unit.objects.get(pk=early.pk)


def import_branch(code: str, parent: str, liaison: str) -> None:
    """The Excel import of one new branch with its liaison: the branch is added, then its
    liaison written, in the import's one transaction."""
    data = tablib.Dataset(headers=["code", "name", "name_en", "kind", "parent", "liaison", "active"])
    data.append([code, "新支部", "", "branch", parent, liaison, "1"])
    result = UnitResource().import_data(data, dry_run=False, use_transactions=True, raise_errors=True)
    assert not result.has_errors()


def liaisons_held(cursor):  # the import waits here, its branch added, its liaison not yet written
    cursor.execute("LOCK TABLE responsibilities_liaison IN SHARE MODE")


def posts_held(cursor):  # the move waits here, its paths rewritten, its posts' provinces not yet
    cursor.execute("LOCK TABLE responsibilities_post IN SHARE MODE")


def assert_under(code: str, parent_pk: int) -> None:
    unit, parent = Unit.objects.get(code=code), Unit.objects.get(pk=parent_pk)
    assert unit.path.startswith(parent.path) and unit.depth == parent.depth + 1
    assert unit.province_id == parent.province_id
    assert Unit.objects.find_problems() == ([], [], [], [], [])  # no orphan, numchild kept


def test_a_branch_imported_under_a_unit_whose_parent_moves_goes_with_it(cast, other):
    """The import adds a branch under branch A; the 机关党委 above it moves to the other
    province meanwhile: the move waits for the import, then carries the new branch too."""
    other, _early = other
    lined_up(
        lambda: import_branch("ZBA1", "ZBA", cast.leader.username),
        lambda: move(cast.committee.pk, other.pk),
        holding=liaisons_held,
    )
    assert_under("ZBA1", cast.unit_a.pk)
    assert Unit.objects.get(code="ZBA1").province_id == other.pk
    assert_counted()


def test_a_branch_imported_beside_a_unit_moved_among_its_siblings_keeps_its_own_path(cast, other):
    """The import adds a branch at the end of the 机关党委; the other province's branch HB
    moves in meanwhile, before branch A (units are sorted by code), shifting A and B one
    step on: the move waits for the import, then makes room for all three."""
    other, early = other
    lined_up(
        lambda: import_branch("ZBC", "JGDW", cast.leader.username),
        lambda: move(early.pk, cast.committee.pk),
        holding=liaisons_held,
    )
    assert_under("ZBC", cast.committee.pk)
    assert_under("HB", cast.committee.pk)
    assert [u.code for u in Unit.objects.get_children(Unit.objects.get(pk=cast.committee.pk))] == [
        "HB",
        "ZBA",
        "ZBB",
        "ZBC",
    ]
    assert_counted()


def test_a_unit_added_while_its_parent_moves_waits_and_lands_under_the_new_path(cast, other):
    """The move first (its paths rewritten, its posts still to carry), then a branch added
    under branch A: it waits for the move, and is added under A's new path."""
    other, _early = other

    def add():
        parent = Unit.objects.get(pk=cast.unit_a.pk)  # read before the move commits: its old path
        Unit.objects.add_child(parent, {"code": "ZBA2", "name": "新支部", "kind": UnitKind.BRANCH})

    lined_up(lambda: move(cast.committee.pk, other.pk), add, holding=posts_held)
    assert_under("ZBA2", cast.unit_a.pk)
    assert Unit.objects.get(code="ZBA2").province_id == other.pk
    assert_counted()


def test_a_unit_added_on_the_admins_page_lands_under_its_parent(client, cast, other):
    """The admin's add page (treebeard's form adds the unit through ``UnitManager``, which
    holds the province itself): the new branch sorted among the 机关党委's, before A."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.create_superuser("root_t", "root@example.org", "pw-12345-tests"))
    data = {"kind": UnitKind.BRANCH, "code": "ZB0", "name": "新支部", "name_en": "", "active": "on"}
    data.update(treebeard_position="sorted-child", treebeard_ref_node=cast.committee.pk)
    response = client.post(reverse("admin:responsibilities_unit_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_under("ZB0", cast.committee.pk)
    committee = Unit.objects.get(pk=cast.committee.pk)
    assert [u.code for u in Unit.objects.get_children(committee)] == ["ZB0", "ZBA", "ZBB"]
    assert_counted()
