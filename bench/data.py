"""The organization of a province (DESIGN.md, "Targets"), made repeatably from a seed.

``units`` units — a 党组, a 纪检监察组, one 机关党委 per fifty units and the branches under
them — each with a secretary's post held by its own person; leaders (one per 160 units,
at least twelve), each the liaison of the units that review with them; an admin and a
supervisor; the default checklist of this year, its 30 duties (made half-yearly, so every
period reports each) assigned to every unit: 60,000 assignments at 2,000 units, 600,000 at
20,000. Everyone has an e-mail address and one in ten reads English, as a real list would.

Units, people and posts are a few thousand rows and made with ``bulk_create`` (so a field
added to those models later gets its default); assignments are made by the database.
Every account's password is ``bench`` (never a real database: see bench/database.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import User
from responsibilities.models import Assignment, Checklist, Duty, Liaison, Post, PostKind, Unit, UnitKind
from responsibilities.services import load_checklist_file

from .sql import bulk_load, insert_select, qn, table

PASSWORD = "bench"
UNITS_PER_COMMITTEE = 50
UNITS_PER_LEADER = 160


@dataclass
class Generated:
    year: int
    units: int
    assignments: int
    leaders: list[int]
    unit_ids: list[int] = field(repr=False)
    admin_ids: list[int]
    supervisor_id: int
    seed: int

    @property
    def admin_id(self) -> int:
        return self.admin_ids[0]


def _path(parent_path: str, n: int) -> str:
    return Unit._get_path(parent_path, len(parent_path) // Unit.steplen + 1, n)


def _people(prefix: str, count: int, role_group: Group, password: str, *, name: str) -> list[User]:
    made = User.objects.bulk_create(
        [
            User(
                username=f"{prefix}{i:05d}",
                full_name=f"{name}{i:05d}",
                email=f"{prefix}{i:05d}@bench.example",
                password=password,
                # One in ten reads English: e-mails are rendered per language.
                language="en" if i % 10 == 9 else "zh-hans",
            )
            for i in range(1, count + 1)
        ],
        batch_size=2000,
    )
    role_group.user_set.add(*made)
    return made


@transaction.atomic
def generate(
    *, seed: int, units: int = 2000, per_unit: int = 30, leaders: int | None = None, admins: int = 1
) -> Generated:
    """Make the organization; ``leaders`` defaults to one per 160 units (at least twelve)."""
    if units < 4:
        raise ValueError("bench: at least 4 units (a 党组, a 纪检监察组, a 机关党委 and a branch)")
    password = make_password(PASSWORD)  # hashed once: every account shares it
    group = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ROLES}
    committees = max(1, units // UNITS_PER_COMMITTEE)
    leaders = leaders or max(12, units // UNITS_PER_LEADER)
    leaders = _people("bench_leader_", leaders, group[roles.LEADER], password, name="领导")
    admin_people = _people("bench_admin_", admins, group[roles.ADMIN], password, name="管理员")
    (supervisor,) = _people("bench_supervisor_", 1, group[roles.SUPERVISOR], password, name="纪检组长")

    root = Unit.objects.add_root(
        {"kind": UnitKind.LEADING_GROUP, "code": "B00000", "name": "省局党组", "name_en": "Provincial Party Group"}
    )
    discipline = Unit(
        kind=UnitKind.DISCIPLINE_GROUP, code="B00001", name="纪检监察组", name_en="Discipline Group",
        path=_path(root.path, 1), depth=2, numchild=0,
    )  # fmt: skip
    committee_nodes = [
        Unit(
            kind=UnitKind.ORGAN_COMMITTEE,
            code=f"B{2 + i:05d}",
            name=f"第{i + 1}机关党委",
            name_en=f"Organ committee {i + 1}",
            path=_path(root.path, 2 + i),
            depth=2,
            numchild=0,
        )  # fmt: skip
        for i in range(committees)
    ]
    branches = []
    for n in range(units - 2 - committees):
        parent = committee_nodes[n % committees]
        parent.numchild += 1
        branches.append(
            Unit(
                kind=UnitKind.BRANCH, code=f"B{2 + committees + n:05d}", name=f"第{n + 1}党支部",
                name_en=f"Branch {n + 1}", path=_path(parent.path, parent.numchild), depth=3, numchild=0,
            )
        )  # fmt: skip
    Unit.objects.bulk_create([discipline, *committee_nodes, *branches], batch_size=2000)
    Unit.objects.filter(pk=root.pk).update(numchild=1 + committees)
    made = [root, discipline, *committee_nodes, *branches]

    secretaries = _people("bench_sec_", len(made), group[roles.SECRETARY], password, name="书记")
    Post.objects.bulk_create(
        [
            Post(unit=unit, kind=PostKind.SECRETARY, title="书记", holder=person)
            for unit, person in zip(made, secretaries, strict=True)
        ],
        batch_size=2000,
    )

    # Each leader holds a 党组成员 seat; a committee and its branches share the liaison post
    # of one leader: a leader oversees whole committees.
    leader_posts = Post.objects.bulk_create(
        [
            Post(unit=root, kind=PostKind.GROUP_MEMBER, title=f"党组成员{i + 1}", holder=leader)
            for i, leader in enumerate(leaders)
        ]
    )
    by_committee = {c.path: leader_posts[i % len(leader_posts)] for i, c in enumerate(committee_nodes)}
    Liaison.objects.bulk_create(
        [Liaison(unit=u, post=by_committee[u.path[: 2 * Unit.steplen]]) for u in [*committee_nodes, *branches]],
        batch_size=2000,
    )

    year = timezone.localdate().year
    checklist = load_checklist_file(path=settings.MINGZE_CHECKLIST_PATH, year=year).checklist
    Checklist.objects.filter(pk=checklist.pk).update(status=Checklist.Status.PUBLISHED)
    duties = Duty.objects.filter(checklist=checklist).order_by("code")
    keep = list(duties.values_list("pk", flat=True)[:per_unit])
    duties.exclude(pk__in=keep).update(active=False)
    # Every duty reports every half year: each period has one report per assignment.
    Duty.objects.filter(pk__in=keep).update(cadence="semiannual")
    with bulk_load(Assignment):
        assignments = insert_select(
            Assignment,
            {"duty": "d.id", "unit": "p.unit_id", "post": "p.id", "province": "p.province_id", "active": "true"},
            f"{table(Post)} p CROSS JOIN {table(Duty)} d WHERE d.{qn('id')} = ANY(%s) AND p.kind = %s",
            [keep, PostKind.SECRETARY],
        )
    return Generated(
        year=year,
        units=len(made),
        assignments=assignments,
        leaders=[leader.pk for leader in leaders],
        unit_ids=[unit.pk for unit in made],
        admin_ids=[admin.pk for admin in admin_people],
        supervisor_id=supervisor.pk,
        seed=seed,
    )
