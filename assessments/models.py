"""怎么抓: half-year periods, the reports filed in them, their evidence and their events.

The chain 责任分工 → 责任履行 → 责任考核 (一、三): an assignment (分工) gets one report per
period (履行), which the liaison leader reviews and grades (考核). Every change of a report's
state is kept as a ``ReportEvent`` (留痕); nothing is deleted.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.attachments import AbstractAttachment
from core.deadlines import Warning, deadline_warning  # noqa: F401 - the names the apps know
from core.events import AbstractTransitionEvent
from core.fields import optional_link, person
from core.issued import AbstractIssued
from core.provinces import ProvinceKeyed, province_field
from core.records import AbstractRecord


class Half(models.IntegerChoices):
    FIRST = 1, _("First half")
    SECOND = 2, _("Second half")


class Period(models.Model):
    """A half year in which every active assignment is reported once (每半年, 一、三)."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half"), choices=Half.choices)
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=5)
    review_due_on = models.DateField(_("review due on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SCHEDULED)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="period_unique_half"),
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("opens_on")), name="period_due_after_open"),
            models.CheckConstraint(
                condition=models.Q(review_due_on__gte=models.F("due_on")), name="period_review_after_due"
            ),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        before = Period.objects.filter(pk=self.pk).values_list("due_on", flat=True).first() if self.pk else None
        super().save(*args, **kwargs)
        if before is not None and before != self.due_on:
            # The reports due with the period follow its new due date; one with a date of
            # its own (an annual duty's 31 March, an earlier quarter's) keeps it.
            self.reports.filter(due_on=before).update(due_on=self.due_on, updated_at=timezone.now())

    @property
    def label(self) -> str:
        if self.half == Half.FIRST:
            return _("%(year)s first half") % {"year": self.year}
        return _("%(year)s second half") % {"year": self.year}

    @property
    def locks_on(self) -> datetime.date:
        """The first day on which an unsubmitted report is locked (due date + grace)."""
        return self.due_on + datetime.timedelta(days=self.grace_days + 1)

    @classmethod
    def default_dates(cls, year: int, half: int) -> dict:
        """Dates from ``MINGZE_PERIOD_DEFAULTS``: H1 opens 6-15, due 7-10; H2 due 1-10 next year."""
        spec = settings.MINGZE_PERIOD_DEFAULTS[half]
        opens = datetime.date(year, *spec["opens"])
        due = datetime.date(year, *spec["due"])
        review = datetime.date(year, *spec["review_due"])
        if due < opens:
            due = due.replace(year=year + 1)
        if review < due:
            review = review.replace(year=due.year)
        return {
            "opens_on": opens,
            "due_on": due,
            "review_due_on": review,
            "grace_days": settings.MINGZE_GRACE_DAYS,
        }


class PeriodEvent(AbstractTransitionEvent):
    """A step in a period's life taken by a person (留痕): an admin reopening a closed
    period, with the reason."""

    class Action(models.TextChoices):
        REOPEN = "reopen", _("Reopened")

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(AbstractTransitionEvent.Meta):
        verbose_name = _("period event")
        verbose_name_plural = _("period events")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class Report(ProvinceKeyed):
    """What a unit did on one assignment in one period (落实情况报告 / 纪实)."""

    filer = "responsible"  # the submitter (``filed_by_q``)
    # A move in the tree locks the reports before its first path changes (the lock 0023's
    # trigger on the units takes after it), so that moves take their locks in one order.
    locked_while_moving = True

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        LOCKED = "locked", _("Locked")

    EDITABLE = (State.DRAFT, State.RETURNED)
    UNSUBMITTED = (State.DRAFT, State.RETURNED, State.LOCKED)

    # The database checks the assignment by the composite key ``(province_id, assignment_id)
    # → assignment (province_id, id)`` (``core.province_keys``), which refuses every row
    # Django's single-column key would: that one is not declared (one check less per row
    # when a period opens, docs/scale.md 4). The Citus step keeps the composite key.
    assignment = models.ForeignKey(
        "responsibilities.Assignment",
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="reports",
        db_constraint=False,
    )
    # No single-column indexes on period, unit and province: the composite indexes below
    # (and the unique ones) lead with each of them, and a period's opening writes every
    # index once per report (docs/scale.md 4).
    province = province_field(db_index=False)
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    # Its own due date (时间节点), set when the period opens from the duty's due window
    # (``assessments.due``): warnings, reminders, escalation, the lock and the close read
    # it, not only the period's. ``quarter`` is 1–4 for a quarterly duty's report of that
    # quarter, 0 for a report covering the whole half.
    due_on = models.DateField(_("due on"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0)
    # Copied from the assignment when the report is made and never changed: the dashboards
    # group hundreds of thousands of reports by unit and category without joining.
    unit = models.ForeignKey(
        "responsibilities.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="reports",
        db_index=False,
    )
    category = models.ForeignKey(
        "responsibilities.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="reports"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    content = models.TextField(_("what was done"), blank=True)
    self_assessment = models.CharField(_("self-assessment"), max_length=10, choices=Grade.choices, blank=True)
    responsible = person(
        _("responsible person"),
        optional=True,
        on_delete=models.SET_NULL,
        help_text=_("Who held the post when the report was made or last submitted."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewer = person(_("reviewer"), optional=True, on_delete=models.SET_NULL)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    late = models.BooleanField(_("submitted late"), default=False)
    lock_waived = models.BooleanField(_("lock waived"), default=False)
    # A returned (or reopened) report may be resubmitted up to this day, whatever the lock
    # date (DESIGN.md, "Report life"): a return on the last review day is not a lock.
    resubmit_by = models.DateField(_("may be resubmitted until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "assignment", "period", "quarter"], name="report_unique_per_period"
            ),
            models.CheckConstraint(condition=models.Q(quarter__gte=0, quarter__lte=4), name="report_quarter_valid"),
        ]
        indexes = [
            models.Index(fields=["period", "unit", "state"], name="report_period_unit_state"),
            models.Index(fields=["period", "state"], name="report_period_state"),
            models.Index(fields=["period", "category", "unit"], name="report_period_category"),
            # The dashboard (assessments/migrations/0002_dashboard_indexes.py): its grouped
            # counts read this index only, in order; its warnings walk the second one oldest
            # first and stop after a page.
            # ``due_on`` included: the red and yellow counts (each report on its own due
            # date) are read from the same index-only scan.
            models.Index(
                fields=["period", "unit", "category", "state"], include=["due_on"], name="report_period_unit_cat_state"
            ),
            models.Index(fields=["period", "updated_at", "id"], name="report_period_updated"),
            # The review queue and its 待审核 badge on every leader's page (issue 15): a
            # liaison's units are walked one by one, each unit's reports of one state
            # come oldest submission first, and what is still asked per report — the
            # submitter and the carried posts' assignments (no self-review), the period
            # (none closed), the province named — is read off the index too (an
            # index-only scan, no report row is fetched; assessments 0020).
            models.Index(
                fields=["unit", "state", "submitted_at", "id"],
                include=["responsible", "period", "assignment", "province"],
                name="report_unit_state_queue",
            ),
            # An admin's queue and badge (the branches of every unit, issue 16 item 6): the
            # submitted reports only, within the provinces named (responsibilities.access
            # ``review_province_ids``), oldest submission first. The page walks it in order
            # and stops after 50; the count is an index-only scan of the submitted entries
            # instead of every report of the open periods fetched from the table. Partial:
            # the queue and the badge ask ``state = 'submitted'`` in their SQL.
            models.Index(
                fields=["province", "submitted_at", "id"],
                include=["period", "unit", "responsible"],
                condition=models.Q(state="submitted"),
                name="report_submitted_queue",
            ),
        ]

    def __str__(self):
        if self.quarter:
            return f"{self.period} Q{self.quarter} · {self.assignment_id}"
        return f"{self.period} · {self.assignment_id}"

    def save(self, *args, **kwargs):
        # Made one by one (not by the period's opening): due with its period unless told.
        if self.due_on is None and self.period_id is not None:
            self.due_on = self.period.due_on
        super().save(*args, **kwargs)

    @property
    def quarter_label(self) -> str:
        """第一季度 … for a quarterly duty's report, empty for one covering the half."""
        return QUARTERS.get(self.quarter, "")

    @property
    def locks_on(self) -> datetime.date:
        """The first day on which this report, unsubmitted, is locked: its own due date and
        the period's grace days."""
        return self.due_on + datetime.timedelta(days=self.period.grace_days + 1)

    @staticmethod
    def filed_by_q(person_id: int) -> models.Q:
        """The reports ``person_id`` submitted: they keep reading them after leaving the
        post (``responsibilities.access``)."""
        return models.Q(responsible=person_id, submitted_at__isnull=False)

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE

    def in_resubmission_window(self, today: datetime.date | None = None) -> bool:
        """Returned (or reopened) and still within its days to resubmit."""
        today = today or timezone.localdate()
        return self.state == self.State.RETURNED and self.resubmit_by is not None and today <= self.resubmit_by

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.state in self.UNSUBMITTED and today > self.due_on

    def warning(self, today: datetime.date | None = None) -> str | None:
        """Derived, never stored (DESIGN.md): red when overdue, yellow when few days are left,
        blue while the window is open; nothing once submitted. Against the report's own
        due date."""
        return warning_level(self.state, self.period, today, due_on=self.due_on)


class ReportTally(models.Model):
    """How many reports of a period lie in each subtree, per category, state and due date:
    the whole-organization dashboard's counts (docs/scale.md 4, "Per-period counts kept").

    One row per tree prefix — a unit's path standing for its whole subtree — so a page
    reads the rows of the root's children (``above`` = the root's path) and the root's own
    (``prefix`` = its path), never the reports: at 50,000 units and 1,500,000 reports of a
    half-year that is thousands of rows, not the period's reports. ``due_on`` is kept so
    the red and yellow counts (each report on its own due date, against today) come from
    the same rows.

    Written by the database, never by Django: on PostgreSQL the statement triggers of
    migration 0022 apply every insert, update and delete of reports (a period opened, a
    submission, a review, a lock, a merge's transfer, a province refilled, a due date
    moved) and every move of a unit in the tree (its reports' counts leave the old
    ancestors' rows for the new ones), in the statement's own transaction — so the counts
    can never be older than the reports they count. Elsewhere (SQLite, the embedded
    default of `make run`) the table stays empty and the dashboard counts the reports."""

    province = province_field(db_index=False)
    period = models.ForeignKey(
        Period, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    prefix = models.CharField(max_length=255)
    above = models.CharField(max_length=255)
    category = models.ForeignKey(
        "responsibilities.Category", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    state = models.CharField(max_length=10, choices=Report.State.choices)
    due_on = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("report tally")
        verbose_name_plural = _("report tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "period", "prefix", "category", "state", "due_on"], name="reporttally_key"
            )
        ]
        indexes = [models.Index(fields=["province", "period", "above"], name="reporttally_above")]

    def __str__(self):
        return f"{self.period_id} {self.prefix} {self.category_id} {self.state} {self.due_on}: {self.n}"


QUARTERS = {1: _("First quarter"), 2: _("Second quarter"), 3: _("Third quarter"), 4: _("Fourth quarter")}


def warning_level(
    state: str, period: Period, today: datetime.date | None = None, *, due_on: datetime.date | None = None
) -> str | None:
    """The warning of a report in ``state`` due ``due_on`` (the report's own date; the
    period's when not given)."""
    today = today or timezone.localdate()
    due_on = due_on or period.due_on
    if state not in Report.UNSUBMITTED or period.state == Period.State.SCHEDULED:
        return None
    if today > due_on:
        return Warning.RED
    if (due_on - today).days < settings.MINGZE_YELLOW_DAYS:
        return Warning.YELLOW
    return Warning.BLUE


def warning_q(period: Period, level: str, today: datetime.date | None = None) -> models.Q:
    """The reports of ``period`` that carry warning ``level`` today, as a filter: the same
    rule as ``warning_level``, on each report's own due date."""
    today = today or timezone.localdate()
    if period.state == Period.State.SCHEDULED or level not in Warning.values:
        return models.Q(pk__isnull=True)  # none
    yellow_from = today + datetime.timedelta(days=settings.MINGZE_YELLOW_DAYS)
    by_level = {
        Warning.RED: models.Q(due_on__lt=today),
        Warning.YELLOW: models.Q(due_on__gte=today, due_on__lt=yellow_from),
        Warning.BLUE: models.Q(due_on__gte=yellow_from),
    }
    return models.Q(state__in=Report.UNSUBMITTED) & by_level[level]


class UnitPlan(ProvinceKeyed):
    """A unit's plan for the next half year (下半年工作打算), written on the page of its last
    open report of the period, when it submits it; the half-year hearing pack prints it
    under the unit's account (一、三 "每半年听取一次党建工作汇报": the hearing looks ahead
    as well as back). One per unit and period; written again, it is replaced."""

    MAX_LENGTH = 3000

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="plans")
    unit = models.ForeignKey(
        "responsibilities.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="plans"
    )
    text = models.TextField(_("plan for the next half year"), max_length=MAX_LENGTH)
    written_by = person(_("written by"), optional=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plan for the next half year")
        verbose_name_plural = _("plans for the next half year")
        constraints = [
            models.UniqueConstraint(fields=["province", "period", "unit"], name="unitplan_unique_per_period")
        ]

    def __str__(self):
        return f"{self.period} · {self.unit_id}"


class ReportEvent(AbstractTransitionEvent, ProvinceKeyed):
    """One step in a report's life (留痕): who, when, from which state to which, and why."""

    province_from = ("report",)

    class Action(models.TextChoices):
        SAVE = "save", _("Saved")
        SUBMIT = "submit", _("Submitted")
        RETURN = "return", _("Returned")
        APPROVE = "approve", _("Approved")
        REOPEN = "reopen", pgettext_lazy("report", "Reopened")
        LOCK = "lock", _("Locked")
        WAIVE = "waive", _("Lock waived")
        EVIDENCE_ADDED = "evidence_added", _("Evidence added")
        EVIDENCE_REMOVED = "evidence_removed", _("Evidence removed")
        DELIBERATE = "deliberate", _("Deliberated at a Party group meeting")
        TRANSFER = "transfer", _("Moved to the successor unit")

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Indexed here only: every report's timeline and the dashboards read these by time.
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta(AbstractTransitionEvent.Meta):
        verbose_name = _("report event")
        verbose_name_plural = _("report events")


class Marking(models.TextChoices):
    """How a 纪检监察组 file is marked (问题线索处置台账 and the like): 内部 or 涉密."""

    INTERNAL = "internal", _("Internal")
    SECRET = "secret", _("Classified")


def evidence_path(instance, filename):
    # The stored name is ours, not the uploader's: no path, no odd characters, no clashes.
    return f"evidence/{instance.report.period.year}/{instance.report_id}/{instance.sha256[:16]}{instance.extension}"


class Evidence(AbstractAttachment, ProvinceKeyed):
    """A file attached to a report (佐证材料), dated to the work it proves."""

    province_from = ("report",)

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    work_date = models.DateField(_("date of the work"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = person(_("removed by"), optional=True)
    marking = models.CharField(
        _("marking"),
        max_length=10,
        choices=Marking.choices,
        blank=True,
        help_text=_("内部 or 涉密: seen only by the discipline inspection group and the Party group's secretary."),
    )

    # ``responsibilities.access`` narrows every view of rows carrying this mark.
    ACCESS_MARKING_FIELD = "marking"

    @staticmethod
    def filed_by_q(person_id: int) -> models.Q:
        """The files of the reports ``person_id`` submitted: they keep them with the reports
        after leaving the post (``responsibilities.access``), the report joined within the
        file's province (co-located on Citus, docs/scale.md 5)."""
        return models.Q(
            report__responsible=person_id, report__submitted_at__isnull=False, report__province=models.F("province")
        )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["work_date", "id"]


class Meeting(AbstractRecord, ProvinceKeyed):
    """A 党组会议 that 审议s (deliberates) the half-year reports of the 党组 as a body and of
    its 书记 (一、三: 党组每半年听取一次党建工作汇报). The admin records it — date,
    attendees, minutes, decisions — and the reports it heard are approved by it, with no
    grade: no one person grades them, the admin least of all. The meeting that hears the
    half-year Party-building report names its ``period``; its decisions (``Decision``) may
    each be handed to a unit or a post as a 交办 task (``Task``)."""

    unit = models.ForeignKey(
        "responsibilities.Unit", verbose_name=_("Party group"), on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="+")
    reports = models.ManyToManyField(Report, verbose_name=_("reports heard"), related_name="meetings")
    period = models.ForeignKey(
        Period,
        verbose_name=_("half-year report heard"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text=_(
            "每半年听取一次党建工作汇报 (一、三): the half year whose Party-building report the meeting heard."
        ),
    )

    class Meta:
        verbose_name = _("Party group meeting")
        verbose_name_plural = _("Party group meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.unit} {self.held_on}"


def minutes_path(instance, filename):
    return f"meetings/{instance.meeting.held_on.year}/{instance.meeting_id}/{instance.sha256[:16]}{instance.extension}"


class Minutes(AbstractAttachment, ProvinceKeyed):
    """The minutes file of a 党组会议."""

    province_from = ("meeting",)

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="minutes")
    file = models.FileField(_("file"), upload_to=minutes_path, max_length=200)

    class Meta(AbstractAttachment.Meta):
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")


class Decision(ProvinceKeyed):
    """One decision of a 党组会议, in the order the meeting took them. A decision may be
    handed on (交办) as one or more ``Task``s."""

    province_from = ("meeting",)

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="decisions")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("decision"))

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["province", "meeting", "order"], name="decision_unique_order")]

    def __str__(self):
        return self.text[:60]


class Task(AbstractIssued, ProvinceKeyed):
    """交办: a piece of work the 党组 hands to a unit or to one post — from a meeting's
    decision, or on its own — with a deadline and a required reply (回执 / 办理情况反馈,
    with files). The admin issues and closes it, or returns the reply; it is reminded,
    escalated and scored like a report (一、三: 真管真严, 考核)."""

    class State(models.TextChoices):
        ISSUED = "issued", _("Awaiting feedback")
        REPLIED = "replied", _("Feedback given")
        CLOSED = "closed", _("Closed")

    OPEN_STATES = (State.ISSUED, State.REPLIED)

    decision = optional_link(Decision, _("meeting decision"), related_name="tasks")
    unit = models.ForeignKey(
        "responsibilities.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="tasks"
    )
    post = optional_link("responsibilities.Post", _("responsible post"), related_name="tasks")
    period = optional_link(Period, _("scored in period"), related_name="tasks")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("what must be done"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ISSUED)
    reply = models.TextField(_("feedback"), blank=True)
    late = models.BooleanField(_("replied late"), default=False)

    class Meta:
        verbose_name = _("assigned task")
        verbose_name_plural = _("assigned tasks")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["state", "deadline"], name="task_state_deadline")]

    def __str__(self):
        return self.subject


class TaskEvent(AbstractTransitionEvent, ProvinceKeyed):
    """One step of a 交办 task (留痕): issued, replied, returned, closed."""

    province_from = ("task",)

    class Action(models.TextChoices):
        ISSUE = "issue", _("Issued")
        REPLY = "reply", _("Feedback given")
        RETURN = "return", _("Feedback returned")
        CLOSE = "close", _("Closed")

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(AbstractTransitionEvent.Meta):
        verbose_name = _("task event")
        verbose_name_plural = _("task events")


def task_file_path(instance, filename):
    return f"tasks/{timezone.localdate().year}/{instance.task_id}/{instance.sha256[:16]}{instance.extension}"


class TaskFile(AbstractAttachment, ProvinceKeyed):
    """A file of a task's feedback (回执), checked like evidence."""

    province_from = ("task",)

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=task_file_path, max_length=200)

    class Meta(AbstractAttachment.Meta):
        verbose_name = _("task file")
        verbose_name_plural = _("task files")


class OutsideReview(AbstractRecord, ProvinceKeyed):
    """The 纪检监察组's report as its own superior body (the higher 纪委监委 or its 派驻
    机构) judged it: recorded by the admin beside the 党组书记's 审议, never instead of it
    (issue 12: the 纪检监察组 on its own track)."""

    province_from = ("report",)

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="outside_reviews"
    )
    body = models.CharField(_("reviewing body"), max_length=100)
    reviewed_on = models.DateField(_("reviewed on"))
    conclusion = models.TextField(_("conclusion"))

    class Meta:
        verbose_name = _("outside review")
        verbose_name_plural = _("outside reviews")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"{self.body} {self.reviewed_on}"
