"""Demo 整改 and 督办: something to see and to act on in each state.

Called from ``responsibilities.demo.load_demo`` after the appraisal demo (one rectification
comes from last year's appraisal finding). Idempotent: each item is looked up by its unit
and text first, so a second run changes nothing.
"""

from __future__ import annotations

import base64
import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appraisals.models import Finding
from core.demo import DemoOutcome
from responsibilities.models import Duty, Post, PostKind, Unit

from . import services
from .handovers import hand_over
from .models import Handover, Rectification, SupervisionNotice

# The smallest valid PNG (1×1 pixel): evidence for the rectification reported done.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _rectification(unit_code: str, problem: str, **kwargs) -> tuple[Rectification, bool]:
    unit = Unit.objects.get(code=unit_code)
    found = Rectification.objects.filter(unit=unit, problem=problem).first()
    if found is not None:
        return found, False
    return services.raise_rectification(unit=unit, problem=problem, **kwargs), True


def _duty(year: int, words: str) -> Duty | None:
    """A duty of the year's checklist whose title has ``words``: the one a problem concerns."""
    return Duty.objects.filter(checklist__year=year, title__contains=words).order_by("code").first()


def demo_step(*, year: int) -> None:
    """整改 and 督办 to see and act on (one raised on last year's appraisal finding)."""
    load_demo(year=year)


def load_demo(*, year: int) -> None:
    people = {
        u.username: u for u in get_user_model().objects.filter(username__in=["admin", "lihua", "jijian", "wangming"])
    }

    finding = Finding.objects.filter(appraisee__round__year=year - 1, appraisee__unit__code="ZB01").first()
    if finding is not None:
        _rectification(
            "ZB01",
            finding.text,
            actor=people["admin"],
            measure="会前逐一开展谈心谈话，规范会议记录，报机关党委备案。",
            deadline=_days(20),
            finding=finding,
        )

    late, made = _rectification(
        "ZB03",
        "党员发展档案材料不齐全。",
        actor=people["lihua"],
        measure="对照发展党员工作细则逐项补齐档案材料。",
        deadline=_days(1),
        source=Rectification.Source.INSPECTION,
    )
    if made:  # raised weeks ago and not done: overdue, so it shows in red
        Rectification.objects.filter(pk=late.pk).update(
            deadline=_days(-4), created_at=timezone.now() - datetime.timedelta(days=30)
        )

    done, made = _rectification(
        "ZB02",
        "主题党日活动未结合业务工作开展。",
        actor=people["lihua"],
        measure="制定党建与业务融合的主题党日计划。",
        deadline=_days(10),
        source=Rectification.Source.ORGANIZATIONAL_LIFE,
        duty=_duty(year, "主题党日"),
    )
    if made:
        secretary = done.post.holder
        services.report_rectification_done(
            rectification_id=done.pk,
            actor=secretary,
            completion="已制定下半年主题党日计划，并于本月开展“走进窗口”活动。",
            uploads=[SimpleUploadedFile("活动照片.png", PIXEL, content_type="image/png")],
        )

    # 审计 and 民主生活会 (issue 14): one closed (销号) this half, one just handed to the unit.
    audited, made = _rectification(
        "ZB03",
        "党费收缴台账与银行流水不一致。",
        actor=people["lihua"],
        measure="逐月核对党费收缴记录，补缴差额并建立复核制度。",
        deadline=_days(15),
        source=Rectification.Source.AUDIT,
    )
    if made:
        services.report_rectification_done(
            rectification_id=audited.pk,
            actor=audited.post.holder,
            completion="已逐月核对并补缴差额，建立季度复核制度。",
            uploads=[SimpleUploadedFile("核对表.png", PIXEL, content_type="image/png")],
        )
        services.verify_rectification(
            rectification_id=audited.pk, actor=people["lihua"], comment="核对无误，予以销号。"
        )
    _rectification(
        "ZB02",
        "民主生活会查摆：理论学习与业务结合不紧。",
        actor=people["admin"],
        measure="每季度开展一次联系业务的专题学习研讨。",
        deadline=_days(45),
        source=Rectification.Source.DEMOCRATIC_LIFE,
        duty=_duty(year, "学习"),
    )

    fifth = Unit.objects.get(code="ZB05")
    subject = "半年度落实情况报告逾期未报"
    if not SupervisionNotice.objects.filter(unit=fifth, subject=subject).exists():
        services.issue_notice(
            actor=people["jijian"],
            unit=fifth,
            matter=SupervisionNotice.Matter.OVERDUE_REPORTS,
            subject=subject,
            body="请于期限内补报本周期逾期的落实情况报告，并说明逾期原因。",
            deadline=_days(7),
        )


def handover_step(*, year: int) -> DemoOutcome | None:
    """交接 mid-period: 第四党支部's secretary hands the post to 陈晨 (``shuji4b``) ten days
    ago, with the branch's open reports listed; once only."""
    User = get_user_model()
    post = Post.objects.filter(unit__code="ZB04", kind=PostKind.SECRETARY).select_related("holder").first()
    admin, incoming = User.objects.filter(username="admin").first(), User.objects.filter(username="shuji4b").first()
    if post is None or admin is None or incoming is None or Handover.objects.filter(post=post).exists():
        return None
    since = timezone.localdate() - datetime.timedelta(days=10)
    current = post.tenures.filter(ended__isnull=True).first()
    if current is None or since <= current.started:
        return None
    made = hand_over(post=post, incoming=incoming, since=since, actor=admin, note="工作调动")
    return DemoOutcome(summary=f"handover of {post}: {made.reports.count()} open reports passed on")
