"""三员分立 on an upgraded installation: the release's administrators are 系统管理员 (the
``admin`` group, superusers included), the 安全管理员 and 审计管理员 roles exist and are
empty until the organization fills them, and the accounts gained their new fields empty."""

import pytest

pytestmark = pytest.mark.postgres


def members(upgraded, group):
    return [
        name
        for (name,) in upgraded.rows(
            "SELECT u.username FROM accounts_user u JOIN accounts_user_groups ug ON ug.user_id = u.id "
            "JOIN auth_group g ON g.id = ug.group_id WHERE g.name = %s ORDER BY 1",
            [group],
        )
    ]


def test_the_release_administrators_become_system_administrators(upgraded):
    before = [name for (name,) in upgraded.before["administrators"]]
    assert before, "the release dump has no administrator: the fixture is wrong"
    assert members(upgraded, "admin") == before


def test_the_security_and_audit_administrators_are_new_and_empty(upgraded):
    for group in ("security_admin", "audit_admin"):
        assert upgraded.scalar("SELECT count(*) FROM auth_group WHERE name = %s", [group]) == 1
        assert members(upgraded, group) == []


def test_accounts_keep_their_data_and_gain_empty_directory_fields(upgraded):
    assert upgraded.rows("SELECT username FROM accounts_user ORDER BY username") == upgraded.before["users"]
    assert upgraded.scalar("SELECT count(*) FROM accounts_user WHERE directory_dn <> '' OR department <> ''") == 0
    assert upgraded.scalar("SELECT count(*) FROM accounts_securityevent") == 0
