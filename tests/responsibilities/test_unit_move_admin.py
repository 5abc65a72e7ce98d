"""Moving a unit in the admin (treebeard's drag and drop, ``move/``, and the unit's own
page): who may and who may not; and when PostgreSQL refuses the move for another
transaction at the same moment (a deadlock, a lock not granted in time), the admin reads
the busy page (``core.busy``) in their language and nothing is half-moved — never a 500."""

import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.urls import reverse

from assessments import tally
from responsibilities.models import Unit, UnitKind
from tests.factories import UnitFactory
from tests.responsibilities.test_unit_move_concurrency import WAIT, until_waiting
from tests.services import need_postgres
from tests.threads import run_together

MOVE = reverse("admin:responsibilities_unit_changelist") + "move/"


def superuser():
    return get_user_model().objects.create_superuser("root_t", "root@example.org", "pw-for-tests-12345")


def viewer():
    """Staff who may see the units in the admin, not change them."""
    user = get_user_model().objects.create_user("viewer_t", "viewer@example.org", "pw-for-tests-12345", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_unit"))
    return user


def other_province():
    return UnitFactory(code="SHENG2", name="另一省党组", kind=UnitKind.LEADING_GROUP)


def drag(client, unit, under):
    """As treebeard's script posts it (then reloads the page, whatever the answer)."""
    data = {"node": unit.pk, "target": under.pk, "relation": "child"}
    return client.post(MOVE, data, headers={"x-requested-with": "XMLHttpRequest"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("superuser", 200), ("viewer", 403), ("admin", 302), ("secretary_a", 302), ("anonymous", 302)],
)
def test_only_staff_who_may_change_units_move_one(client, cast, who, status, django_assert_max_num_queries):
    """The Mingze admin role is not the Django admin's staff: it is sent to the sign-in
    page, as everyone else without staff status; staff who may only view are refused."""
    other = other_province()
    user = {"superuser": superuser, "viewer": viewer}.get(who, lambda: cast.by_role(who))()
    if user is not None:
        client.force_login(user)
    with django_assert_max_num_queries(78):
        response = drag(client, Unit.objects.get(pk=cast.unit_a.pk), other)
    assert response.status_code == status
    moved = Unit.objects.get(pk=cast.unit_a.pk)
    assert (moved.province_id == other.pk) is (status == 200)
    assert Unit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_a_unit_moved_on_its_own_page_takes_its_new_province(client, cast):
    other = other_province()
    client.force_login(superuser())
    unit = Unit.objects.get(pk=cast.unit_b.pk)
    url = reverse("admin:responsibilities_unit_change", args=[unit.pk])
    data = {f: getattr(unit, f) for f in ("kind", "code", "name", "name_en")}
    data.update(active="on", treebeard_position="sorted-child", treebeard_ref_node=other.pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(pk=unit.pk).province_id == other.pk
    assert Unit.objects.find_problems() == ([], [], [], [], [])


BUSY = {"zh-hans": "未保存任何内容", "en": "Nothing was saved"}


@pytest.fixture
def refused(client, cast):
    """Signed in as a superuser: the client, unit A and the other province's root."""
    need_postgres()
    client.force_login(superuser())
    return client, Unit.objects.get(pk=cast.unit_a.pk), other_province()


def assert_nothing_moved(cast, other):
    assert Unit.objects.get(pk=cast.unit_a.pk).path.startswith(cast.committee.path)
    assert Unit.objects.get(pk=other.pk).numchild == 0
    assert Unit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_a_move_refused_for_a_deadlock_tells_the_admin_to_try_again(refused, cast, lang):
    """A recount of the tally holds the reports; the move, its provinces held, waits for
    them; then the recount wants the province the unit goes to: PostgreSQL refuses the
    move, which waited first ("deadlock detected")."""
    client, unit, other = refused
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    held = threading.Event()

    def recount():
        with transaction.atomic(), connection.cursor() as cursor:
            tally.refill(cursor)
            held.set()
            until_waiting(cursor, 1)
            cursor.execute("SELECT id FROM responsibilities_unit WHERE id = %s FOR UPDATE", [other.pk])

    def move():
        assert held.wait(WAIT)
        return drag(client, unit, other)

    recounted, response = run_together(recount, move, barrier=False, timeout=3 * WAIT)
    assert recounted is None  # the recount went on once the move was refused
    assert response.status_code == 503 and BUSY[lang] in response.content.decode()
    page = client.get(reverse("admin:responsibilities_unit_changelist")).content.decode()
    assert BUSY[lang] in page  # the page treebeard's script reloads says why
    assert_nothing_moved(cast, other)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_a_move_on_the_units_page_refused_for_a_lock_timeout_keeps_the_unit(refused, cast, lang):
    """Another transaction holds the province the unit goes to past the move's
    ``lock_timeout``: the busy page, the unit where it was."""
    client, unit, other = refused
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    url = reverse("admin:responsibilities_unit_change", args=[unit.pk])
    data = {f: getattr(unit, f) for f in ("kind", "code", "name", "name_en")}
    data.update(name="改名的甲党支部", active="on", treebeard_position="sorted-child", treebeard_ref_node=other.pk)
    held, done = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id FROM responsibilities_unit WHERE id = %s FOR UPDATE", [other.pk])
            held.set()
            assert done.wait(WAIT)

    def move():
        assert held.wait(WAIT)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '300ms'")
            return client.post(url, data)
        finally:
            done.set()

    _, response = run_together(hold, move, barrier=False, timeout=3 * WAIT)
    assert response.status_code == 503 and BUSY[lang] in response.content.decode()
    assert Unit.objects.get(pk=unit.pk).name == unit.name  # the rename went back with the move
    assert_nothing_moved(cast, other)
