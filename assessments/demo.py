"""The demo's report loop: an open period for the current half-year, with a few reports at
every step (submitted, returned, approved, one with a photo) so that the secretary home,
the review queue and the timelines have something to show after ``make run``.

Idempotent: the period is made once, and each story step acts only on a report that has
no history yet, so a second run changes no data.
"""

from __future__ import annotations

import datetime
import struct
import zlib

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from core.demo import DemoOutcome
from responsibilities.models import PostKind, Unit

from . import services
from .models import Half, Period, Report, ReportEvent

# (branch code, how many of its reports, what happens to each). The leaders are those of
# the demo organization: 李华 is liaison of branches 1–4, 赵强 of 5–8.
STORIES = [
    ("ZB01", ["approved", "returned", "submitted", "saved"]),
    ("ZB02", ["submitted", "submitted", "approved"]),
    ("ZB03", ["returned"]),
    ("ZB05", ["submitted", "approved"]),
]
CONTENT = (
    "本半年召开支部委员会 6 次、党员大会 2 次，专题学习《中国共产党章程》和全面从严治党有关要求；"
    "书记讲党课 1 次，开展谈心谈话 12 人次，会议纪要和签到表已整理归档。"
)
RETURN_COMMENT = "请补充会议纪要和签到表等佐证材料，并写明学习研讨的具体次数。"
APPROVE_COMMENT = "落实到位，材料齐全。"


def current_half(today: datetime.date) -> tuple[int, int]:
    return today.year, Half.FIRST if today.month <= 6 else Half.SECOND


def demo_period(today: datetime.date | None = None) -> Period:
    """The current half-year's period, open. Made once with the default dates, except
    that it opens early enough for the demo to be inside its window today."""
    today = today or timezone.localdate()
    year, half = current_half(today)
    dates = Period.default_dates(year, half)
    dates["opens_on"] = min(dates["opens_on"], today - datetime.timedelta(days=14))
    # As the nightly job would: early enough for the first quarter's sub-deadline (its
    # quarterly duties, 理论学习中心组 and 双重组织生活, show each quarter's own date).
    dates["opens_on"] = min(dates["opens_on"], services.opening_day(Period(year=year, half=half, **dates)))
    period, _created = Period.objects.get_or_create(year=year, half=half, defaults=dates)
    if period.state != Period.State.OPEN:
        services.open_period(period=period)
        period.refresh_from_db()
    return period


def tiny_png() -> bytes:
    """A 2×2 red PNG, made here so the demo needs no binary file in the repository."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xa4\x16\x1a" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _play(report: Report, step: str, secretary, leader) -> None:
    if step == "saved":
        services.save_report(report_id=report.pk, actor=secretary, content=CONTENT[:40], self_assessment="")
        return
    services.add_evidence(
        report_id=report.pk,
        actor=secretary,
        upload=SimpleUploadedFile("支部会议照片.png", tiny_png(), content_type="image/png"),
        description="支部委员会会议现场照片",
        work_date=timezone.localdate() - datetime.timedelta(days=7),
    )
    services.submit_report(report_id=report.pk, actor=secretary, content=CONTENT, self_assessment="good")
    if step == "returned":
        services.return_report(report_id=report.pk, actor=leader, comment=RETURN_COMMENT)
    elif step == "approved":
        services.approve_report(report_id=report.pk, actor=leader, grade="good", comment=APPROVE_COMMENT)


@transaction.atomic
def load_demo_reports(today: datetime.date | None = None) -> dict:
    """Open the demo period and play the stories; returns what was done for the command."""
    period = demo_period(today)
    played = 0
    User = get_user_model()
    for code, steps in STORIES:
        unit = Unit.objects.filter(code=code).first()
        if unit is None or unit.liaison is None:
            continue
        # A unit whose reports already have a history was played before: leave it be.
        if ReportEvent.objects.filter(report__period=period, report__unit=unit).exists():
            continue
        secretary = User.objects.filter(posts__unit=unit, posts__kind=PostKind.SECRETARY, posts__active=True).first()
        if secretary is None:
            continue
        reports = Report.objects.filter(period=period, unit=unit).order_by("category__order", "assignment__duty__code")
        for report, step in zip(reports[: len(steps)], steps, strict=False):
            _play(report, step, secretary, unit.liaison)
            played += 1
    played += _play_party_group(period)
    return {"period": period, "reports": period.reports.count(), "played": played}


# The 党组's own (一、二 一岗双责): each 班子成员 files their own report and the 书记 reviews
# it; the 书记's own waits for the 党组会议 that 审议s it.
PARTY_STORIES = [
    (PostKind.GROUP_MEMBER, 0, "approved"),
    (PostKind.GROUP_MEMBER, 1, "submitted"),
    (PostKind.SECRETARY, 0, "submitted"),
]


def _play_party_group(period: Period) -> int:
    unit = Unit.objects.filter(code="DZ").first()
    if unit is None or ReportEvent.objects.filter(report__period=period, report__unit=unit).exists():
        return 0
    secretary = unit.posts.filter(kind=PostKind.SECRETARY, holder__isnull=False).select_related("holder").first()
    if secretary is None:
        return 0
    played = 0
    for kind, index, step in PARTY_STORIES:
        posts = list(unit.posts.filter(kind=kind, holder__isnull=False).select_related("holder").order_by("pk"))
        if index >= len(posts):
            continue
        report = (
            Report.objects.filter(
                period=period, assignment__post=posts[index], assignment__duty__code__in=["O-02", "D-05"]
            )
            .order_by("assignment__duty__code")
            .first()
        )
        if report is not None:
            _play(report, step, posts[index].holder, secretary.holder)
            played += 1
    return played


DECISIONS = [
    "各党支部对照半年度考核中发现的问题，制定支部标准化规范化建设方案，报机关党委备案。",
    "机关党委下半年对“三会一课”落实情况开展一次专项检查。",
]


def _hearing_meeting(period: Period) -> str:
    """The 党组会议 that heard the half-year report (一、三): two decisions, the first handed
    to 第一党支部 (交办) and answered by its secretary with a receipt file. Once only."""
    from . import meetings, tasking
    from .models import Meeting

    party = Unit.objects.filter(code="DZ").first()
    branch = Unit.objects.filter(code="ZB01").first()
    User = get_user_model()
    admin = User.objects.filter(username="admin").first()
    if party is None or branch is None or admin is None or Meeting.objects.filter(period=period).exists():
        return "no meeting"
    secretary = User.objects.filter(posts__unit=branch, posts__kind=PostKind.SECRETARY, posts__active=True).first()
    attendees = User.objects.filter(posts__unit=party, posts__active=True).distinct()
    minutes = SimpleUploadedFile("党组会议纪要.png", tiny_png(), content_type="image/png")
    meeting = meetings.record_meeting(
        actor=admin,
        unit=party,
        held_on=timezone.localdate(),
        attendees=attendees,
        decisions=DECISIONS,
        minutes=minutes,
        period=period,
    )
    task = tasking.issue_task(
        actor=admin,
        unit=branch,
        subject="制定支部标准化规范化建设方案",
        body=DECISIONS[0],
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        decision=meeting.decisions.order_by("order").first(),
    )
    if secretary is not None:
        receipt = SimpleUploadedFile("建设方案.png", tiny_png(), content_type="image/png")
        tasking.reply_to_task(
            task_id=task.pk, actor=secretary, reply="已制定建设方案，经支委会讨论通过，附方案。", uploads=[receipt]
        )
    return "a 党组会议 with 2 decisions, one handed on and answered"


def demo_step(*, year: int) -> DemoOutcome:
    """The last demo step (``core.demo``): this half-year open, its stories played, and the
    党组会议 that heard the half-year report, with its decisions and a 交办 task."""
    loop = load_demo_reports()
    with transaction.atomic():
        closed = Period.objects.filter(state=Period.State.CLOSED).order_by("-year", "-half").first()
        meeting = _hearing_meeting(closed or loop["period"])
    return DemoOutcome(
        summary=f"{loop['period']} open with {loop['reports']} reports, {loop['played']} demo steps played; {meeting}"
    )
