"""The cast every test can call on (STYLE.md): an admin, a leader who is liaison of
unit A, a leader who is not, the secretaries of units A and B, a supervisor."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from responsibilities.models import Checklist, PostKind, Unit, UnitKind
from responsibilities.services import assign_by_subject, load_checklist_file
from tests import clock
from tests.factories import PostFactory, UnitFactory, UserFactory


@dataclass
class Cast:
    admin: object
    leader: object
    other_leader: object
    secretary_a: object
    secretary_b: object
    supervisor: object
    party_group: Unit
    committee: Unit
    unit_a: Unit
    unit_b: Unit
    discipline: Unit
    checklist: Checklist

    def by_role(self, name):
        return None if name == "anonymous" else getattr(self, name)


def build_cast() -> Cast:
    # The roles are made by a data migration, which a transactional test's flush empties:
    # make sure they are there, so browser and concurrency tests can run in any order.
    for name in roles.ROLES:
        Group.objects.get_or_create(name=name)
    admin = UserFactory(username="admin_t", full_name="管理员", roles=[roles.ADMIN])
    leader = UserFactory(username="leader_t", full_name="联系领导", roles=[roles.LEADER])
    other_leader = UserFactory(username="leader2_t", full_name="另一领导", roles=[roles.LEADER])
    secretary_a = UserFactory(username="sec_a", full_name="甲书记", roles=[roles.SECRETARY])
    secretary_b = UserFactory(username="sec_b", full_name="乙书记", roles=[roles.SECRETARY])
    supervisor = UserFactory(username="sup_t", full_name="纪检组长", roles=[roles.SUPERVISOR])

    party_group = UnitFactory(code="DZ", name="党组", kind=UnitKind.LEADING_GROUP)
    PostFactory(unit=party_group, title="党组书记", held_by=other_leader)
    PostFactory(unit=party_group, title="党组成员", kind=PostKind.GROUP_MEMBER, held_by=leader)
    committee = UnitFactory(code="JGDW", name="机关党委", kind=UnitKind.ORGAN_COMMITTEE, parent=party_group)
    PostFactory(unit=committee, title="机关党委书记")
    unit_a = UnitFactory(code="ZBA", name="甲党支部", name_en="Branch A", parent=committee, liaison=leader)
    PostFactory(unit=unit_a, title="支部书记", held_by=secretary_a)
    unit_b = UnitFactory(code="ZBB", name="乙党支部", name_en="Branch B", parent=committee, liaison=other_leader)
    PostFactory(unit=unit_b, title="支部书记", held_by=secretary_b)
    # Under the 党组 here, as an installation before issue 12 had it: the review track and
    # the ranking keep it apart by its kind; the upgrade and the demo make it a root.
    discipline = UnitFactory(code="JJZ", name="纪检监察组", kind=UnitKind.DISCIPLINE_GROUP, parent=party_group)
    PostFactory(unit=discipline, title="组长", held_by=supervisor)

    result = load_checklist_file(path=settings.MINGZE_CHECKLIST_PATH, year=timezone.localdate().year)
    assign_by_subject(checklist=result.checklist)
    return Cast(
        admin=admin,
        leader=leader,
        other_leader=other_leader,
        secretary_a=secretary_a,
        secretary_b=secretary_b,
        supervisor=supervisor,
        party_group=Unit.objects.get(pk=party_group.pk),
        committee=Unit.objects.get(pk=committee.pk),
        unit_a=Unit.objects.get(pk=unit_a.pk),
        unit_b=Unit.objects.get(pk=unit_b.pk),
        discipline=Unit.objects.get(pk=discipline.pk),
        checklist=result.checklist,
    )


# `make test` spreads the tests over the machine's cores (pytest-xdist), each test where a
# worker is free (config/settings/test.py says what each worker has of its own), except the
# upgrade tests: one worker takes them all, so that each release dump is restored and
# migrated once (tests/upgrade/conftest.py, session fixtures) rather than once per worker.
TOGETHER = ("tests/upgrade/",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return next((folder for folder in TOGETHER if nodeid.startswith(folder)), nodeid)

    return Scheduling(config, log)


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


ROLE_NAMES = ["anonymous", "admin", "leader", "other_leader", "secretary_a", "secretary_b", "supervisor"]


@pytest.fixture
def client_as(client, cast):
    """``client_as("secretary_a")`` → a test client signed in as that member of the cast."""

    def sign_in(name):
        client.logout()
        user = cast.by_role(name)
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def one_day():
    """The clock stopped for the test (tests/clock.py): one date, even across midnight."""
    with clock.one_day():
        yield


@pytest.fixture(autouse=True)
def _english_off(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _audit_anchors_in_tmp(settings, tmp_path_factory):
    """Each test's audit anchors (audit/anchors.py) in a folder of its own: the newest anchor
    verify_audit checks against is one this test's database wrote."""
    settings.MINGZE_AUDIT_ANCHOR_DIR = tmp_path_factory.mktemp("audit-anchors")
