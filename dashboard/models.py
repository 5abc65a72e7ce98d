"""The one thing the dashboard stores: exports built in the background (Excel, hearing pack,
and the kinds apps above it register through ``core.exports``: honours' year-end summary).

Everything else on the dashboard is read from reports and stored scores when asked; an
export is kept because it takes a while to build and is taken into a meeting (一、三
"每半年听取一次党建工作汇报").
"""

import uuid

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import exports
from core.fields import person


def export_path(instance, filename):
    # Our own name, never a user's: exports live under MEDIA_ROOT, which nothing serves
    # directly; only dashboard.views.export_download hands them out, after a permission check.
    return f"exports/{instance.of_year}/{instance.token}{instance.extension}"


class Export(models.Model):
    class Kind(models.TextChoices):
        EXCEL = "excel", _("Excel workbook")
        PDF = "pdf", _("Hearing pack (PDF)")
        DOCX = "docx", _("Hearing pack (Word)")
        LEDGER = "ledger", _("Rectification ledger (Excel)")
        # Built over a year rather than a period; written by the honours app (core.exports).
        YEAR_END = "year_end", _("Year-end summary (Excel)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.PENDING, Status.RUNNING)
    # What the dashboard's export panel builds over a period; the others name a year.
    PERIOD_KINDS = (Kind.EXCEL, Kind.PDF, Kind.DOCX, Kind.LEDGER)

    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("period"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exports",
        help_text=_("Empty for an export of a whole year (the year-end summary)."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("The year of a year-end summary; empty for a period's exports.")
    )
    unit = models.ForeignKey(
        "responsibilities.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The subtree exported; empty for the whole organization."),
    )
    requested_by = person(
        _("requested by"),
        optional=True,
        on_delete=models.SET_NULL,
        help_text=_("Empty when the system built it (the close of a period)."),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Stamped when a worker claims the export and at each step of the build: a running
    # export whose stamp is older than MINGZE_EXPORT_STALL_SECONDS lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_path, max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["period", "kind", "-created_at"], name="export_period_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period or self.year}"

    @property
    def of_year(self) -> int | None:
        return self.period.year if self.period_id else self.year

    @property
    def extension(self) -> str:
        return {self.Kind.PDF: ".pdf", self.Kind.DOCX: ".docx"}.get(self.kind, ".xlsx")

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    def download_name(self) -> str:
        """The name the browser saves: period and kind, in the reader's language."""
        registered = exports.kind_for(self.kind)
        if registered is not None:
            return registered.download_name(self)
        what = gettext("results") if self.kind == self.Kind.EXCEL else gettext("hearing pack")
        if self.kind == self.Kind.LEDGER:
            what = gettext("rectification ledger")
        return f"{self.period.label} {what}{self.extension}"
