"""党组成员 and 委员 kept apart (issue 12, item 10); unit kinds and successions (item 7):
the last release's database, migrated forward, names a 党组's member seats 党组成员 and
keeps every other post's kind and every unit as it was."""

import pytest

from tests.upgrade.conftest import SNAPSHOT

pytestmark = pytest.mark.postgres


def test_a_party_groups_member_seats_become_group_members_and_committee_members_stay(upgraded):
    before = upgraded.before["post_kinds"]
    after = {pk: (kind, unit_kind) for pk, kind, unit_kind in upgraded.rows(SNAPSHOT["post_kinds"])}
    assert any(kind == "member" and unit_kind == "leading_group" for _pk, kind, unit_kind in before)
    for pk, kind, unit_kind in before:
        expected = "group_member" if (kind, unit_kind) == ("member", "leading_group") else kind
        assert after[pk] == (expected, unit_kind)


def test_every_unit_keeps_its_kind_name_and_state_and_none_has_a_successor(upgraded):
    assert upgraded.rows(SNAPSHOT["units"]) == upgraded.before["units"]
    assert upgraded.scalar("SELECT count(*) FROM responsibilities_succession") == 0
