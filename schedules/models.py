"""长管长严 (三): what the schedules sent, so nothing is sent twice, and what each run did.

The jobs themselves keep no state of their own beyond these rows: a reminder is claimed by
inserting its ``SentReminder`` (unique per person × item × day) in the same transaction as
the notification it belongs to, so a second run, or a run resumed after a crash, finds the
row and sends nothing again.
"""

from django.apps import apps
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.fields import person
from core.provinces import ProvinceKeyed

# Where each kind of reminded item lives (``ReminderItem.item_type``); a 履责纪实 tally
# ("rec2026h1-behind", schedules.behind) is named by its assignment.
ITEM_TABLES = {
    "report": "assessments.Report",
    "report_lock": "assessments.Report",
    "task": "assessments.Task",
    "rectification": "oversight.Rectification",
    "notice": "oversight.SupervisionNotice",
}


def item_province():
    """The province of a reminder row's item, as SQL (the row's own when its item is gone):
    for ``core.provinces.refill`` after units moved in the tree."""
    whens = [
        When(
            item_type=kind,
            then=Subquery(apps.get_model(label).objects.filter(pk=OuterRef("item_id")).values("province_id")[:1]),
        )
        for kind, label in ITEM_TABLES.items()
    ]
    tally = apps.get_model("responsibilities.Assignment").objects.filter(pk=OuterRef("item_id"))
    whens.append(When(item_type__startswith="rec", then=Subquery(tally.values("unit__province_id")[:1])))
    return Coalesce(Case(*whens, default=None), F("province"))


class SentReminder(ProvinceKeyed):
    """One item named in one notification to one person on one day (deadline or overdue).
    Its province is its item's (``ReminderItem.province_id``): the writer sets it."""

    province_from = ()
    province_expression = staticmethod(item_province)

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("Deadline reminder")
        OVERDUE = "overdue", _("Overdue escalation")

    person = person(_("person"), on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # What was reminded of: "report" now; rectifications join through the reminder sources
    # (schedules.reminders) with their own item type, without a new table.
    item_type = models.CharField(_("item type"), max_length=20)
    item_id = models.BigIntegerField(_("item"))
    day = models.DateField(_("day"))
    days_before = models.SmallIntegerField(_("days before the due date"))
    notification = models.ForeignKey(
        "notifications.Notification",
        verbose_name=_("notification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "person", "item_type", "item_id", "day"], name="reminder_once_a_day"
            ),
            # The first overdue day is told once, whatever day the job first sees it.
            models.UniqueConstraint(
                fields=["province", "person", "item_type", "item_id"],
                condition=Q(kind="overdue"),
                name="overdue_told_once",
            ),
        ]
        indexes = [models.Index(fields=["item_type", "item_id"], name="reminder_item")]

    def __str__(self):
        return f"{self.day} {self.kind} {self.item_type}:{self.item_id} → {self.person_id}"


class ReminderStage(ProvinceKeyed):
    """One stage of one item's reminders — T-14, T-7, T-3, T-1 or the first overdue day —
    sent, on its day or on the first run after it when that day's run did not happen.
    Unique per (item, stage): a stage is never sent twice, and a missed one is not lost.
    Items are generic (reports, rectifications, notices), as in ``SentReminder``, and so is
    the province: the item's, set by the writer."""

    province_from = ()
    province_expression = staticmethod(item_province)

    class Stage(models.TextChoices):
        T14 = "t14", _("14 days before")
        T7 = "t7", _("7 days before")
        T3 = "t3", _("3 days before")
        T1 = "t1", _("1 day before")
        OVERDUE = "overdue", _("First day overdue")

    item_type = models.CharField(_("item type"), max_length=20)
    item_id = models.BigIntegerField(_("item"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    stage_day = models.DateField(_("stage's own day"))
    day = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("reminder stage")
        verbose_name_plural = _("reminder stages")
        constraints = [
            models.UniqueConstraint(fields=["province", "item_type", "item_id", "stage"], name="reminder_stage_once"),
        ]

    def __str__(self):
        return f"{self.item_type}:{self.item_id} {self.stage} @ {self.day}"

    @property
    def late(self) -> bool:
        return self.day > self.stage_day


class DigestSent(models.Model):
    """The Monday digest of red items, once per leader per day."""

    person = person(_("person"), on_delete=models.CASCADE)
    day = models.DateField(_("day"))
    items = models.PositiveIntegerField(_("red items"))
    notification = models.ForeignKey(
        "notifications.Notification",
        verbose_name=_("notification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="digest_once_a_day")]

    def __str__(self):
        return f"{self.day} → {self.person_id}"


class Job(models.TextChoices):
    OPEN_PERIODS = "open_periods", _("Open periods")
    SEND_REMINDERS = "send_reminders", _("Send reminders")
    ESCALATE_OVERDUE = "escalate_overdue", _("Escalate overdue reports")
    LOCK_AND_CLOSE = "lock_and_close", _("Lock and close")
    OPEN_PERIOD = "open_period", _("Open a period now")
    REMIND_NOW = "remind_now", _("Send reminders now")
    RECOMPUTE_SCORES = "recompute_scores", _("Recompute scores")


class JobRun(models.Model):
    """One run of a job through Celery, with its progress, so a page can show it (htmx
    polling) without depending on a result backend."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    FINISHED = (State.DONE, State.FAILED)

    job = models.CharField(_("job"), max_length=20, choices=Job.choices)
    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("period"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="job_runs",
    )
    day = models.DateField(_("as of"), null=True, blank=True)
    requested_by = person(
        _("requested by"), optional=True, on_delete=models.SET_NULL, help_text=_("Empty when the schedule started it.")
    )
    task_id = models.CharField(_("task"), max_length=64, null=True, blank=True, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_job_display()} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> int | None:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return None
        return min(100, int(100 * self.done / self.total))
