"""sync_directory against a real OpenLDAP: people go into the posts the mapping names, a
dry run changes nothing and says what would change, people who left are flagged and their
posts left vacant — never deleted."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from responsibilities.models import Post, Tenure
from schedules.beat import sync_schedules
from tests.directory.slapd import PEOPLE
from tests.factories import PostFactory, UnitFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def organ(db):
    committee = UnitFactory(code="JGDW", name="机关党委")
    first = UnitFactory(code="ZB1", name="第一党支部", parent=committee)
    second = UnitFactory(code="ZB2", name="第二党支部", parent=committee)
    return {
        "first_secretary": PostFactory(unit=first, title="支部书记"),
        "first_member": PostFactory(unit=first, title="组织委员"),
        "second_secretary": PostFactory(unit=second, title="支部书记"),
    }


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("sync_directory", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_changes_and_changes_nothing(with_directory, organ):
    output = run("--dry-run")
    assert "would: 新建账号 zhangsan（张三，第一党支部）" in output
    assert "would: zhangsan 任 第一党支部 支部书记（原：空缺）" in output
    assert "(dry run, nothing changed)" in output
    assert not User.objects.filter(username="zhangsan").exists()
    assert Tenure.objects.count() == 0


def test_sync_puts_people_into_posts_and_is_idempotent(with_directory, organ):
    run()
    zhangsan = User.objects.get(username="zhangsan")
    assert (zhangsan.full_name, zhangsan.department) == ("张三", "第一党支部")
    assert not zhangsan.has_usable_password()
    assert Post.objects.get(pk=organ["first_secretary"].pk).holder == zhangsan
    assert Post.objects.get(pk=organ["first_member"].pk).holder.username == "zhaoliu"
    assert Post.objects.get(pk=organ["second_secretary"].pk).holder.username == "lisi"
    # 王五's 机关党委 has no post titled 党组成员: reported, not guessed.
    assert "0 changes" in run("--dry-run")


def test_a_mapping_of_titles_is_configurable(with_directory, organ, settings):
    settings.MINGZE_DIRECTORY_TITLES = {"组织委员": "支部书记"}
    settings.MINGZE_DIRECTORY_UNIT_FIELD = "name"
    output = run("--dry-run")
    assert "zhaoliu 任 第一党支部 支部书记" in output


def test_people_who_left_are_flagged_and_their_posts_vacant(with_directory, organ, enable):
    run()
    lisi = User.objects.get(username="lisi")
    with_directory.modify(enable("lisi"), employeeType="disabled")
    output = run("--dry-run")
    assert "lisi 已离开目录" in output and "岗位 第二党支部 支部书记 空缺" in output
    run()
    lisi.refresh_from_db()
    assert lisi.left_directory_at is not None and not lisi.is_active
    post = Post.objects.get(pk=organ["second_secretary"].pk)
    assert post.holder is None and post.active  # vacant, not deleted
    tenure = Tenure.objects.get(post=post, person=lisi)
    assert tenure.ended is not None  # who held it stays in the history
    # Back in the directory: the flag is lifted and the seat filled again.
    with_directory.modify(f"uid=lisi,{PEOPLE}", employeeType=None)
    run()
    lisi.refresh_from_db()
    assert lisi.left_directory_at is None and lisi.is_active
    assert Post.objects.get(pk=post.pk).holder == lisi


def test_without_a_directory_the_command_says_so(settings, db):
    settings.AUTH_LDAP_SERVER_URI = ""
    with pytest.raises(CommandError, match="LDAP_SERVER_URI"):
        run()


def test_directory_down_is_a_clear_error(with_directory, settings):
    from tests.directory.slapd import free_port

    settings.AUTH_LDAP_SERVER_URI = f"ldap://127.0.0.1:{free_port()}"
    with pytest.raises(CommandError, match="无法连接统一身份目录"):
        run("--dry-run")


def test_the_scheduled_job_is_off_by_default(db):
    from django_celery_beat.models import PeriodicTask

    sync_schedules()
    task = PeriodicTask.objects.get(name="mingze: sync directory")
    assert task.task == "responsibilities.sync_directory" and not task.enabled


def test_the_scheduled_job_runs_the_sync(with_directory, organ):
    from responsibilities.tasks import sync_directory

    assert sync_directory.delay().get().endswith("changes")
    assert Post.objects.get(pk=organ["first_secretary"].pk).holder.username == "zhangsan"
