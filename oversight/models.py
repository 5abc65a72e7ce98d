"""整改 and 督办: problems carried to closure, and formal notices that press a unit to act.

The speech asks that 检视整改 be made real (二、一 "检视整改再实化") and gives the
纪检监察组 its 监督责任 (opening lines; 三): a rectification is raised on a problem (from a
returned report, an appraisal finding, a supervision notice, or by hand), the unit reports
it done with evidence, and the one who raised it verifies and closes it (销号) or sends it
back. A supervision notice (督办) goes to a unit with a deadline; the unit's secretary
replies; the issuer closes it or presses again. Every step is an event (留痕).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.attachments import AbstractAttachment
from core.deadlines import DeadlineMixin
from core.events import AbstractTransitionEvent
from core.fields import person
from core.issued import AbstractIssued
from core.provinces import ProvinceKeyed, organization_field, stamp
from core.records import AbstractRecord


class Rectification(DeadlineMixin, ProvinceKeyed):
    class Source(models.TextChoices):
        """Where the problem was found (问题来源). Three follow from the object it was raised
        on (a returned report, an appraisal finding, a notice); the others are chosen by
        whoever opens it: the 民主生活会 and 组织生活会 (二、一 "检视整改再实化"), 巡察 and
        审计 (三, 监督责任), or another source."""

        DEMOCRATIC_LIFE = "democratic_life", _("Democratic life meeting")
        ORGANIZATIONAL_LIFE = "org_life", _("Organizational life meeting")
        INSPECTION = "inspection", _("Inspection tour")
        AUDIT = "audit", _("Audit")
        REPORT = "report", _("Report review")
        APPRAISAL = "appraisal", _("Appraisal finding")
        NOTICE = "notice", _("Supervision notice")
        MANUAL = "manual", _("Other source")

    # Its deadline binds while it is being rectified (a reported one waits on the verifier,
    # not on the unit).
    WAITING = "open"

    # Sources that name an object the rectification was raised on; the rest are chosen.
    LINKED_SOURCES = ("report", "appraisal", "notice")
    CHOSEN_SOURCES = ("democratic_life", "org_life", "inspection", "audit", "manual")

    class State(models.TextChoices):
        OPEN = "open", _("Being rectified")
        REPORTED = "reported", _("Reported done")
        CLOSED = "closed", _("Verified and closed")

    problem = models.TextField(_("problem"))
    measure = models.TextField(_("measure to take"))
    unit = models.ForeignKey(
        "responsibilities.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    post = models.ForeignKey(
        "responsibilities.Post",
        verbose_name=_("responsible post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    deadline = models.DateField(_("deadline"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    duty = models.ForeignKey(
        "responsibilities.Duty",
        verbose_name=_("duty concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    report = models.ForeignKey(
        "assessments.Report",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    finding = models.ForeignKey(
        "appraisals.Finding",
        verbose_name=_("appraisal finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    notice = models.ForeignKey(
        "oversight.SupervisionNotice",
        verbose_name=_("supervision notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    raised_by = person(_("raised by"))
    completion = models.TextField(_("what was put right"), blank=True)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    reported_at = models.DateTimeField(_("reported done at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["state", "deadline"], name="rectification_state_deadline")]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="report", report__isnull=False)
                | Q(source="appraisal", finding__isnull=False)
                | Q(source="notice", notice__isnull=False)
                | Q(source__in=["democratic_life", "org_life", "inspection", "audit", "manual"]),
                name="rectification_source_has_its_object",
            )
        ]

    def __str__(self):
        return self.problem[:60]


class SupervisionNotice(AbstractIssued, ProvinceKeyed):
    filer = "issued_by"  # who reads it whatever their scope (``filed_by_q``)

    class Matter(models.TextChoices):
        OVERDUE_REPORTS = "overdue_reports", _("Overdue reports")
        WEAK_REPORT = "weak_report", _("A weak report")
        RECTIFICATION = "rectification", _("A rectification")
        OTHER = "other", _("Other matter")

    class State(models.TextChoices):
        ISSUED = "issued", _("Awaiting reply")
        REPLIED = "replied", _("Replied")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    # The organization whose series the number belongs to (its 督办〔year〕n号): the root of
    # the unit's tree when issued (see ``NoticeCounter``). It stays when the unit later
    # moves to another tree, so the number is never given twice in a series.
    organization = organization_field(_("issuing organization"))
    unit = models.ForeignKey(
        "responsibilities.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="notices"
    )
    matter = models.CharField(_("matter"), max_length=20, choices=Matter.choices, default=Matter.OTHER)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("what must be done"))
    report = models.ForeignKey(
        "assessments.Report",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ISSUED)
    pressed = models.PositiveSmallIntegerField(_("times pressed again"), default=0)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "organization", "year", "number"], name="notice_unique_number_per_year"
            )
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        if self.organization_id is None:  # numbered in the series of its unit's organization
            if self.province_id is None:
                stamp([self])
            self.organization_id = self.province_id
        super().save(*args, **kwargs)

    @staticmethod
    def filed_by_q(person_id: int) -> models.Q:
        """The notices ``person_id`` issued: they read them whatever their scope
        (``responsibilities.access``: ``visible`` and, second and by id alone, ``find``)."""
        return models.Q(issued_by=person_id)

    @property
    def label(self) -> str:
        """督办〔2026〕3号."""
        return _("Notice [%(year)s] No. %(number)s") % {"year": self.year, "number": self.number}


class NoticeCounter(ProvinceKeyed):
    """The last number an organization gave to a notice in a year. A notice is numbered in
    the series of the organization it is issued in — the root of the receiving unit's tree
    (the 党组 with its 机关党委, or a 纪检监察组 on its own track), whose leaders, admins and
    supervisors issue it (DESIGN.md, 督办; speech, opening lines and 三: 主体责任 and
    监督责任) — so each organization counts its own 督办〔year〕n号 and a national
    installation has no counter shared by all provinces.

    Issuing locks this organization's row for the year, so two notices issued at the same
    moment in one organization get consecutive numbers, never the same one (the unique
    constraint on the notice is the second line of defence); notices of two organizations
    lock two rows and never wait on each other. The row lives in its organization's
    province, with the notices it numbers (docs/scale.md section 5)."""

    province_from = ("organization",)

    organization = organization_field(_("issuing organization"))
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("notice counter")
        verbose_name_plural = _("notice counters")
        constraints = [
            models.UniqueConstraint(fields=["province", "organization", "year"], name="notice_counter_per_year")
        ]

    def __str__(self):
        return f"{self.organization_id} {self.year}: {self.last}"


class Event(AbstractTransitionEvent, ProvinceKeyed):
    """One step of a rectification or a notice (留痕): who, when, what, from which state."""

    province_from = ("rectification", "notice")

    class Action(models.TextChoices):
        RAISE = "raise", _("Raised")
        REPORT_DONE = "report_done", _("Reported done")
        VERIFY = "verify", _("Verified and closed")
        SEND_BACK = "send_back", _("Sent back")
        ISSUE = "issue", _("Issued")
        REPLY = "reply", _("Replied")
        CLOSE = "close", _("Closed")
        PRESS = "press", _("Pressed again")
        ATTACH = "attach", _("File attached")
        TRANSFER = "transfer", _("Moved to the successor unit")

    rectification = models.ForeignKey(
        Rectification, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    notice = models.ForeignKey(
        SupervisionNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(AbstractTransitionEvent.Meta):
        verbose_name = _("oversight event")
        verbose_name_plural = _("oversight events")
        constraints = [
            models.CheckConstraint(
                condition=Q(rectification__isnull=False, notice__isnull=True)
                | Q(rectification__isnull=True, notice__isnull=False),
                name="event_of_one_thing",
            )
        ]


def attachment_path(instance, filename):
    owner = f"r{instance.rectification_id}" if instance.rectification_id else f"n{instance.notice_id}"
    return f"oversight/{timezone.localdate().year}/{owner}/{filename}"


class Attachment(AbstractAttachment, ProvinceKeyed):
    """Evidence for a rectification reported done, or for a reply to a notice."""

    province_from = ("rectification", "notice")

    rectification = models.ForeignKey(
        Rectification, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    notice = models.ForeignKey(
        SupervisionNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)

    @staticmethod
    def filed_by_q(person_id: int) -> models.Q:
        """The files of the notices ``person_id`` issued, which they read with the notice
        (``SupervisionNotice.filed_by_q``), the notice joined within the file's province."""
        return models.Q(notice__issued_by=person_id, notice__province=models.F("province"))

    class Meta(AbstractAttachment.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=Q(rectification__isnull=False, notice__isnull=True)
                | Q(rectification__isnull=True, notice__isnull=False),
                name="attachment_of_one_thing",
            )
        ]


class Handover(AbstractRecord, ProvinceKeyed):
    """交接: a post changing hands, with what was still open for it on that day — its
    reports not yet approved, its rectifications, the notices to its unit — so that the
    newcomer knows what they inherit and the trail shows who left what (issue 12)."""

    province_from = ("post",)

    post = models.ForeignKey(
        "responsibilities.Post", verbose_name=_("post"), on_delete=models.PROTECT, related_name="handovers"
    )
    outgoing = person(_("outgoing holder"), optional=True)
    incoming = person(_("incoming holder"))
    handed_on = models.DateField(_("handed over on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    reports = models.ManyToManyField("assessments.Report", verbose_name=_("open reports"), related_name="+")
    rectifications = models.ManyToManyField(Rectification, verbose_name=_("open rectifications"), related_name="+")
    notices = models.ManyToManyField(SupervisionNotice, verbose_name=_("open notices"), related_name="+")

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-handed_on", "-pk"]

    def __str__(self):
        return f"{self.post} {self.handed_on}"
