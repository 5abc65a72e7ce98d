"""The demo 局: enough organization, people and duties that every page has something to show.

Idempotent: people, units and posts are found by their username or code, and passwords are
set only when an account is first made, so a second run changes no data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts import roles
from core.demo import DemoOutcome

from .models import Checklist, Liaison, Post, PostKind, Subject, Unit, UnitKind
from .services import assign_by_subject, bulk_assign, set_liaison, set_post_holder

DEMO_PASSWORD = "mingze2026"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    role: str
    note: str


BRANCH_NUMERALS = "一二三四五六七八"
PEOPLE = [
    DemoPerson("admin", "周敏", roles.ADMIN, "机关党委 · 管理员"),
    DemoPerson("wangming", "王明", roles.LEADER, "党组书记"),
    DemoPerson("lihua", "李华", roles.LEADER, "党组成员 · 联系第一至第四党支部"),
    DemoPerson("zhaoqiang", "赵强", roles.LEADER, "党组成员 · 联系第五至第八党支部"),
    DemoPerson("chenjing", "陈静", roles.SECRETARY, "机关党委书记"),
    *[
        DemoPerson(f"shuji{n}", name, roles.SECRETARY, f"第{cn}党支部书记")
        for n, (cn, name) in enumerate(
            zip(BRANCH_NUMERALS, ["刘洋", "孙丽", "周杰", "吴芳", "郑涛", "冯雪", "何军", "许静"], strict=True), start=1
        )
    ],
    DemoPerson("zongzhi", "杨帆", roles.SECRETARY, "第一党总支书记 · 第七、第八党支部在其下"),
    DemoPerson("jijian", "黄刚", roles.SUPERVISOR, "纪检监察组组长"),
    DemoPerson("shuji4b", "陈晨", roles.SECRETARY, "第四党支部书记（本期中途接任，交接见 oversight）"),
    # 三员分立: the security and audit administrators beside the 系统管理员 (admin).
    DemoPerson("anquan", "钱安", roles.SECURITY_ADMIN, "安全管理员"),
    DemoPerson("shenji", "林审", roles.AUDIT_ADMIN, "审计管理员"),
]

BRANCH_EN = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth"]


def demo_person(spec: DemoPerson):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=spec.username,
        defaults={
            "full_name": spec.full_name,
            "email": f"{spec.username}@mingze.example",
            "is_staff": spec.role == roles.ADMIN,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        if spec.role == roles.ADMIN:
            user.is_superuser = True
        user.save()
    # get_or_create: the role groups come from a migration, but a flushed database has none.
    user.groups.add(Group.objects.get_or_create(name=spec.role)[0])
    return user


def demo_unit(
    *, parent: Unit | None, code: str, name: str, name_en: str, kind: str, liaison: Post | None = None
) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        values = {"code": code, "name": name, "name_en": name_en, "kind": kind}
        unit = Unit.objects.add_child(parent, values) if parent else Unit.objects.add_root(values)
    if liaison is not None and not Liaison.objects.filter(unit=unit).exists():
        set_liaison(unit=unit, post=liaison, since=year_start())
    return unit


def year_start() -> datetime.date:
    """Where the demo's dated facts (liaisons) begin: 1 January of this year."""
    return timezone.localdate().replace(month=1, day=1)


def demo_post(unit: Unit, kind: str, title: str, holder=None, portfolio: str = "") -> Post:
    post, _ = Post.objects.get_or_create(unit=unit, title=title, defaults={"kind": kind, "portfolio": portfolio})
    if holder is not None and post.holder_id is None:
        # Held since before last year: last year's 述职评议 appraises them.
        set_post_holder(post=post, person=holder, since=year_start().replace(year=year_start().year - 1))
    return post


@transaction.atomic
def load_demo(*, checklist_year: int) -> dict:
    """Build the demo organization and assign ``checklist_year``'s duties by subject."""
    people = {spec.username: demo_person(spec) for spec in PEOPLE}
    party_group = demo_unit(
        parent=None, code="DZ", name="市局党组", name_en="Leading Party Group", kind=UnitKind.LEADING_GROUP
    )
    # 分管 areas: each 班子成员's 一岗双责 covers them (一、二).
    secretary = demo_post(party_group, PostKind.SECRETARY, "党组书记", people["wangming"], "主持党组全面工作")
    member_one = demo_post(party_group, PostKind.GROUP_MEMBER, "党组成员（一）", people["lihua"], "组织人事\n机关党建")
    member_two = demo_post(
        party_group, PostKind.GROUP_MEMBER, "党组成员（二）", people["zhaoqiang"], "财务审计\n后勤保障"
    )

    committee = demo_unit(
        parent=party_group,
        code="JGDW",
        name="机关党委",
        name_en="Organ Party Committee",
        kind=UnitKind.ORGAN_COMMITTEE,
        liaison=secretary,
    )
    demo_post(committee, PostKind.SECRETARY, "机关党委书记", people["chenjing"])

    # A 党总支 with two branches under it: ranked with its own kind, not with the branches.
    general = demo_unit(
        parent=committee,
        code="ZZ01",
        name="第一党总支",
        name_en="First General Party Branch",
        kind=UnitKind.GENERAL_BRANCH,
        liaison=member_two,
    )
    demo_post(general, PostKind.SECRETARY, "总支书记", people["zongzhi"])
    demo_post(general, PostKind.MEMBER, "总支委员")

    for n, (cn, en) in enumerate(zip(BRANCH_NUMERALS, BRANCH_EN, strict=True), start=1):
        # 第八党支部 was 李华's until the spring, 赵强's since: a liaison change with history.
        liaison = member_one if n <= 4 or n == 8 else member_two
        branch = demo_unit(
            parent=general if n >= 7 else committee,
            code=f"ZB{n:02d}",
            name=f"第{cn}党支部",
            name_en=f"{en} Party Branch",
            kind=UnitKind.BRANCH,
            liaison=liaison,
        )
        demo_post(branch, PostKind.SECRETARY, "支部书记", people[f"shuji{n}"])
        demo_post(branch, PostKind.DISCIPLINE_MEMBER, "纪检委员")
        changed_on = min(year_start() + datetime.timedelta(days=90), timezone.localdate())
        if n == 8 and changed_on > year_start() and Liaison.objects.filter(unit=branch).count() == 1:
            set_liaison(unit=branch, post=member_two, since=changed_on)

    # Its own root: the 纪检监察组 supervises the 党组's units and is not one of them (一、三).
    discipline = demo_unit(
        parent=None,
        code="JJZ",
        name="纪检监察组",
        name_en="Discipline Inspection Group",
        kind=UnitKind.DISCIPLINE_GROUP,
    )
    demo_post(discipline, PostKind.SECRETARY, "纪检监察组组长", people["jijian"])

    checklist = Checklist.objects.get(year=checklist_year)
    created = assign_by_subject(checklist=checklist)
    # The 党总支 runs its own 三会一课 and the rest of every branch's duties (一、二: down to
    # every 党支部), carried by its secretary's post.
    branch_duties = checklist.duties.filter(active=True, subject=Subject.BRANCH)
    created += len(bulk_assign(duties=branch_duties, units=[general]).to_create)
    return {"people": list(PEOPLE), "assignments_created": created, "units": Unit.objects.count()}


def demo_step(*, year: int) -> DemoOutcome:
    """The first demo step (``core.demo``): the organization, its people and their duties."""
    result = load_demo(checklist_year=year)
    return DemoOutcome(
        summary=f"{result['units']} units, {result['assignments_created']} assignments created", people=result["people"]
    )
