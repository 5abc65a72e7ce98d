"""The demo's 履责纪实: this half-year's records of two branches, so that the secretaries'
homes, the counts against the required frequencies and the list have something to show.

第一党支部 is on track: a 支部委员会 and a 主题党日 every month, a 党员大会 and a 党课
every quarter, its 谈心谈话. 第二党支部 is behind: no 支委会 in the half's first two
months, one month without a 主题党日, no 党课 yet. Records carry a photo now and then, and one 谈心谈话
has notes that only the people in the talk and the secretary read.

Idempotent: a record is made only when its branch has none of that type in that month.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.demo import DemoOutcome
from responsibilities.models import Post, PostKind, Unit, WorkType

from . import services
from .models import WorkRecord

ON_TRACK, BEHIND = "ZB01", "ZB02"
MONTHLY_TOPICS = {
    WorkType.BRANCH_COMMITTEE: [
        "研究年度党建工作要点",
        "研究发展党员工作",
        "研究主题党日安排",
        "研究党费收缴情况",
        "研究谈心谈话安排",
        "研究半年工作总结",
    ],
    WorkType.THEME_DAY: [
        "重温入党誓词",
        "学雷锋志愿服务",
        "参观廉政教育基地",
        "清明祭英烈",
        "学习党章党规",
        "“七一”主题党日",
    ],
}


def half_months(today: datetime.date) -> list[datetime.date]:
    """The first day of each month of the current half-year up to this one."""
    first = 1 if today.month <= 6 else 7
    return [datetime.date(today.year, month, 1) for month in range(first, today.month + 1)]


def photo(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (164, 22, 26)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def plan(month: datetime.date, index: int, *, behind: bool) -> list[tuple]:
    """(type, day of the month, topic, present, expected) of one month for a branch."""
    rows = []
    # 第二党支部 missed the half's first two 支委会: the rule counts the meetings held against
    # the months ended (compliance.tallies), so it is behind from the second month on, every
    # day. (Missing the second and fourth, it was on track from February to early April.)
    if not (behind and index in (0, 1)):
        rows.append((WorkType.BRANCH_COMMITTEE, 6, MONTHLY_TOPICS[WorkType.BRANCH_COMMITTEE][index % 6], 5, 5))
    if not (behind and index == 2):
        rows.append((WorkType.THEME_DAY, 15, MONTHLY_TOPICS[WorkType.THEME_DAY][index % 6], 14, 16))
    if index % 3 == 0:
        rows.append((WorkType.MEMBERS_MEETING, 20, "支部党员大会：通报季度工作", 15, 16))
        if not behind:
            rows.append((WorkType.PARTY_LECTURE, 25, "书记讲党课：坚持明责履责尽责", 16, 16))
    return rows


def held_on(month: datetime.date, day: int, today: datetime.date) -> datetime.date:
    """The day a record of ``month`` is held: its planned day, but in the half's first month
    no later than today, so that from 1 January (1 July) on the half has its first records
    to show (a 支委会, a 主题党日, the 谈心谈话)."""
    planned = month.replace(day=day)
    if month.month in (1, 7):
        return min(planned, today)
    return planned


def load_demo_records(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    made = 0
    for code, behind in ((ON_TRACK, False), (BEHIND, True)):
        unit = Unit.objects.filter(code=code).first()
        post = Post.objects.filter(unit=unit, kind=PostKind.SECRETARY, holder__isnull=False).first() if unit else None
        if post is None:
            continue
        secretary = post.holder
        for index, month in enumerate(half_months(today)):
            for kind, day, topic, present, expected in plan(month, index, behind=behind):
                held = held_on(month, day, today)
                done = WorkRecord.objects.filter(
                    unit=unit,
                    kind=kind,
                    state=WorkRecord.State.RECORDED,
                    held_on__year=held.year,
                    held_on__month=held.month,
                )
                if held > today or done.exists():  # one of each a month, loaded on any day of it
                    continue
                uploads = [photo(f"IMG_{held:%m%d}_1.jpg"), photo(f"IMG_{held:%m%d}_2.jpg")]
                data = services.RecordInput(
                    kind=kind,
                    held_on=held,
                    topic=topic,
                    place="党员活动室",
                    present=present,
                    expected=expected,
                    minutes="会议按议程进行，与会党员充分发言，形成一致意见。",
                    uploads=uploads if kind == WorkType.THEME_DAY else [],
                )
                services.create_record(unit=unit, actor=secretary, data=data)
                made += 1
        talk_day = held_on(half_months(today)[0], 10, today)
        if not behind and talk_day <= today and not WorkRecord.objects.filter(unit=unit, kind=WorkType.TALK).exists():
            data = services.RecordInput(
                kind=WorkType.TALK,
                held_on=talk_day,
                topic="年度谈心谈话",
                participant_names="支部党员王磊",
                notes="王磊同志谈到近期家中老人住院，工作压力较大；支部将协调调整值班安排。",
            )
            services.create_record(unit=unit, actor=secretary, data=data)
            made += 1
    # A draft left to complete: a 支委会 entered on a phone this week, minutes still to type.
    unit = Unit.objects.filter(code=ON_TRACK).first()
    post = Post.objects.filter(unit=unit, kind=PostKind.SECRETARY, holder__isnull=False).first() if unit else None
    if post is not None and not WorkRecord.objects.filter(unit=unit, state=WorkRecord.State.DRAFT).exists():
        data = services.RecordInput(kind=WorkType.BRANCH_COMMITTEE, held_on=today, topic="研究近期工作安排（待补纪要）")
        services.create_record(unit=unit, actor=post.holder, data=data, record_now=False)
        made += 1
    return made


def demo_step(*, year: int) -> DemoOutcome:
    made = load_demo_records()
    return DemoOutcome(summary=f"work records: {made} made for {ON_TRACK} (on track) and {BEHIND} (behind)")
