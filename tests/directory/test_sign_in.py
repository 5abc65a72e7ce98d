"""Directory sign-in against a real OpenLDAP: the account is made from the entry, roles
come from groups, a disabled entry cannot sign in, local accounts still can, a directory
that is down gives a clear message (never a 500), and axes still counts the failures."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import roles
from tests.directory.slapd import GROUPS, PEOPLE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_first_sign_in_creates_the_account_from_the_directory(client, with_directory):
    response = sign_in(client, "zhangsan", "dir-pw-zhangsan")
    assert response.status_code == 302
    user = User.objects.get(username="zhangsan")
    assert (user.full_name, user.email, user.department) == ("张三", "zhangsan@organ.test", "第一党支部")
    assert user.directory_dn == f"uid=zhangsan,{PEOPLE}"
    assert roles.roles_of(user) == {roles.SECRETARY}
    assert not user.has_usable_password()  # the password stays in the directory


def test_the_next_sign_in_updates_attributes_and_roles(client, with_directory):
    sign_in(client, "wangwu", "dir-pw-wangwu")
    assert roles.roles_of(User.objects.get(username="wangwu")) == {roles.LEADER}
    dn = f"uid=wangwu,{PEOPLE}"
    with_directory.modify(dn, ou="党组")
    with_directory.add(f"cn=mingze-admins,{GROUPS}", objectClass="groupOfNames", cn="mingze-admins", member=dn)
    try:
        client.logout()
        assert sign_in(client, "wangwu", "dir-pw-wangwu").status_code == 302
        user = User.objects.get(username="wangwu")
        assert user.department == "党组"
        assert roles.roles_of(user) == {roles.LEADER, roles.ADMIN}
    finally:
        with_directory.delete(f"cn=mingze-admins,{GROUPS}")
        with_directory.modify(dn, ou="机关党委")
    client.logout()
    sign_in(client, "wangwu", "dir-pw-wangwu")
    assert roles.roles_of(User.objects.get(username="wangwu")) == {roles.LEADER}


def test_a_person_in_no_mapped_group_signs_in_without_a_role(client, with_directory):
    assert sign_in(client, "zhaoliu", "dir-pw-zhaoliu").status_code == 302
    assert roles.roles_of(User.objects.get(username="zhaoliu")) == frozenset()


def test_a_disabled_directory_account_cannot_sign_in(client, with_directory, enable):
    assert sign_in(client, "lisi", "dir-pw-lisi").status_code == 302
    client.logout()
    with_directory.modify(enable("lisi"), employeeType="disabled")
    response = sign_in(client, "lisi", "dir-pw-lisi")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_directory_password_is_refused(client, with_directory):
    response = sign_in(client, "zhangsan", "not-it")
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_local_accounts_still_sign_in(client, with_directory):
    UserFactory(username="local_admin", roles=[roles.ADMIN])
    assert sign_in(client, "local_admin", "pw-for-tests").status_code == 302


def test_axes_locks_out_after_five_directory_failures(client, with_directory):
    for _ in range(4):
        assert sign_in(client, "zhangsan", "wrong").status_code == 200
    assert sign_in(client, "zhangsan", "wrong").status_code == 429
    # The right directory password waits out the lock-out too.
    assert sign_in(client, "zhangsan", "dir-pw-zhangsan").status_code == 429


def test_directory_down_gives_a_clear_message_and_local_accounts_work(client, settings, directory):
    from tests.directory.conftest import directory_settings
    from tests.directory.slapd import free_port

    directory_settings(settings, f"ldap://127.0.0.1:{free_port()}")  # nothing listens there
    response = sign_in(client, "zhangsan", "dir-pw-zhangsan")
    assert response.status_code == 200
    page = response.content.decode()
    assert "统一身份目录" in page and "本地账号仍可登录" in page
    UserFactory(username="local_admin", roles=[roles.ADMIN])
    assert sign_in(client, "local_admin", "pw-for-tests").status_code == 302


def test_without_ldap_settings_mingze_uses_local_accounts_only(settings):
    assert "accounts.directory.DirectoryBackend" not in settings.AUTHENTICATION_BACKENDS
    assert not getattr(settings, "AUTH_LDAP_SERVER_URI", "")


def test_the_environment_configures_directory_sign_in():
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LDAP_SERVER_URI": "ldap://directory.example:389",
        "LDAP_USER_BASE": PEOPLE,
        "LDAP_ROLE_GROUPS": f"secretary=cn=mingze-secretaries,{GROUPS};leader=cn=mingze-leaders,{GROUPS}",
        "LDAP_SYNC_TITLES": "书记=支部书记",
    }
    code = (
        "from django.conf import settings as s; print(s.AUTHENTICATION_BACKENDS[1]); "
        "print(s.AUTH_LDAP_USER_SEARCH.filterstr); print(sorted(s.MINGZE_LDAP_ROLE_GROUPS)); "
        "print(s.MINGZE_DIRECTORY_TITLES)"
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0] == "accounts.directory.DirectoryBackend"
    assert out[1] == "(&(uid=%(user)s)(!(employeeType=disabled)))"
    assert out[2] == "['leader', 'secretary']"
    assert out[3] == "{'书记': '支部书记'}"
