"""The organization at DESIGN.md's scale, generated repeatably from a seed: one Party
group, committees under it and branches under those — 2,000 units — each with a secretary's
post held by its own person, and 30 duties of one checklist assigned to every unit
(60,000 assignments). Everything is bulk-inserted; nothing depends on the clock."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction

from accounts import roles
from accounts.models import User
from responsibilities.models import (
    Assignment,
    Category,
    Checklist,
    Duty,
    Post,
    PostKind,
    Responsibility,
    Subject,
    Unit,
    UnitKind,
)

YEAR = 2030
CATEGORIES = [
    ("political", "政治建设", True),
    ("ideological", "思想建设", False),
    ("organizational", "组织建设", False),
    ("conduct", "作风建设", False),
    ("discipline", "纪律建设", False),
    ("institutional", "制度建设", False),
    ("anticorruption", "反腐败斗争", False),
]


@dataclass
class Generated:
    year: int
    units: int
    assignments: int
    leaders: list[int]
    unit_ids: list[int]


def _child_path(parent_path: str, n: int) -> str:
    return Unit._get_path(parent_path, len(parent_path) // Unit.steplen + 1, n)


@transaction.atomic
def generate(*, seed: int, units: int = 2000, per_unit: int = 30, committees: int = 40) -> Generated:
    rng = random.Random(seed)
    leader_group, _ = Group.objects.get_or_create(name=roles.LEADER)
    secretary_group, _ = Group.objects.get_or_create(name=roles.SECRETARY)
    leaders = User.objects.bulk_create(
        [User(username=f"bench_leader_{i:02d}", full_name=f"领导{i:02d}", password="!") for i in range(12)]
    )
    leader_group.user_set.add(*leaders)

    root = Unit.add_root(kind=UnitKind.LEADING_GROUP, code="B0000", name="党组")
    made = [root]
    committee_nodes = []
    for i in range(1, committees + 1):
        committee_nodes.append(
            Unit(
                kind=UnitKind.ORGAN_COMMITTEE,
                code=f"B{i:04d}",
                name=f"机关党委{i}",
                path=_child_path(root.path, i),
                depth=2,
                numchild=0,
                liaison=rng.choice(leaders),
            )
        )
    Unit.objects.bulk_create(committee_nodes)
    branches = []
    for n in range(units - 1 - committees):
        parent = committee_nodes[n % committees]
        parent.numchild += 1
        branches.append(
            Unit(
                kind=UnitKind.BRANCH,
                code=f"B{committees + 1 + n:04d}",
                name=f"第{n + 1}党支部",
                path=_child_path(parent.path, parent.numchild),
                depth=3,
                numchild=0,
                liaison=rng.choice(leaders),
            )
        )
    Unit.objects.bulk_create(branches, batch_size=1000)
    Unit.objects.bulk_update(committee_nodes, ["numchild"])
    Unit.objects.filter(pk=root.pk).update(numchild=committees)
    made += committee_nodes + branches

    people = User.objects.bulk_create(
        [User(username=f"bench_sec_{i:04d}", full_name=f"书记{i:04d}", password="!") for i in range(len(made))],
        batch_size=1000,
    )
    secretary_group.user_set.add(*people)
    posts = Post.objects.bulk_create(
        [
            Post(unit=unit, kind=PostKind.SECRETARY, title="书记", holder=person)
            for unit, person in zip(made, people, strict=True)
        ],
        batch_size=1000,
    )

    categories = []
    for order, (code, name, key) in enumerate(CATEGORIES):
        category, _ = Category.objects.get_or_create(code=code, defaults={"name": name, "key": key, "order": order})
        categories.append(category)
    checklist, _ = Checklist.objects.get_or_create(year=YEAR, defaults={"status": Checklist.Status.PUBLISHED})
    duties = Duty.objects.bulk_create(
        [
            Duty(
                checklist=checklist,
                code=f"BD-{i:02d}",
                category=categories[i % len(categories)],
                title=f"责任事项{i:02d}",
                subject=Subject.BRANCH,
                responsibility=rng.choice(list(Responsibility.values)),
                cadence="semiannual",
                weight=Decimal(rng.choice(["1", "1", "1", "1.5", "2"])),
            )
            for i in range(per_unit)
        ]
    )
    Assignment.objects.bulk_create(
        [Assignment(duty=duty, unit=post.unit, post=post) for post in posts for duty in duties],
        batch_size=5000,
    )
    return Generated(
        year=YEAR,
        units=len(made),
        assignments=len(made) * per_unit,
        leaders=[leader.pk for leader in leaders],
        unit_ids=[unit.pk for unit in made],
    )
