"""Existing assignments move to posts: every assignment is carried by a post of its own
unit, and the duties of each 班子成员 (一岗双责, speech 一、二) fan out to every member post.

Nothing is deleted or re-pointed that has history: an assignment keeps its id, its reports
(and so their events, evidence and scores) stay with it. Only an assignment whose post lay
in another unit is given a post of its own unit (its secretary's, else its first), and the
member posts that carried nothing of a member duty get an assignment of their own, with a
draft report in each open period in which the duty reports.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

MEMBER_KINDS = ("deputy_secretary", "member")
FAN_OUT = {"leading_group_member": MEMBER_KINDS, "leading_group_all": ("secretary", *MEMBER_KINDS)}
EVERY_HALF = ("semiannual", "quarterly", "ongoing")


def _reports_in(period, cadence: str) -> bool:
    return cadence in EVERY_HALF or (cadence == "annual" and period.half == 2)


def forward(apps, schema_editor):
    Assignment = apps.get_model("responsibilities", "Assignment")
    HistoricalAssignment = apps.get_model("responsibilities", "HistoricalAssignment")
    Post = apps.get_model("responsibilities", "Post")
    Period = apps.get_model("assessments", "Period")
    Report = apps.get_model("assessments", "Report")

    # 1. The post of an assignment lies in its unit.
    for assignment in Assignment.objects.select_related("post").exclude(post__unit_id=F("unit_id")):
        posts = list(Post.objects.filter(unit_id=assignment.unit_id).order_by("-active", "pk"))
        carrier = next((p for p in posts if p.kind == "secretary"), posts[0] if posts else None)
        if carrier is not None:
            Assignment.objects.filter(pk=assignment.pk).update(post=carrier)

    # 2. Each 班子成员's duties to every member post of the unit.
    open_periods = list(Period.objects.filter(state="open"))
    now = timezone.now()
    for assignment in Assignment.objects.filter(duty__subject__in=list(FAN_OUT)).select_related("duty"):
        kinds = FAN_OUT[assignment.duty.subject]
        carried = set(Assignment.objects.filter(duty_id=assignment.duty_id).values_list("post_id", flat=True))
        for post in Post.objects.filter(unit_id=assignment.unit_id, active=True, kind__in=kinds).order_by("pk"):
            if post.pk in carried:
                continue
            made = Assignment.objects.create(
                duty_id=assignment.duty_id, unit_id=post.unit_id, post_id=post.pk, active=assignment.active
            )
            HistoricalAssignment.objects.create(
                id=made.pk,
                duty_id=made.duty_id,
                unit_id=made.unit_id,
                post_id=made.post_id,
                active=made.active,
                created=made.created,
                history_date=now,
                history_type="+",
                history_change_reason="一岗双责: one assignment per member post",
            )
            carried.add(post.pk)
            for period in open_periods:
                if period.year == assignment.duty.checklist.year and _reports_in(period, assignment.duty.cadence):
                    Report.objects.get_or_create(
                        assignment_id=made.pk,
                        period_id=period.pk,
                        defaults={
                            "unit_id": made.unit_id,
                            "category_id": assignment.duty.category_id,
                            "responsible_id": post.holder_id,
                        },
                    )


class Migration(migrations.Migration):
    dependencies = [
        ("responsibilities", "0002_assignments_to_posts"),
        ("assessments", "0003_event_and_attachment_bases"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
