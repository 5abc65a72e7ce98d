"""A work record (履责纪实): one meeting, lecture, theme day or talk, with its attendance,
minutes and photos, entered by the unit's post holders (or a named 党务干事) when it
happens. One record may count for several duties (``duties``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.attachments import AbstractAttachment
from core.events import AbstractTransitionEvent
from core.provinces import ProvinceKeyed
from core.records import AbstractRecord
from responsibilities.models import WorkType


class WorkRecord(AbstractRecord, ProvinceKeyed):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RECORDED = "recorded", _("Recorded")

    unit = models.ForeignKey(
        "responsibilities.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="work_records"
    )
    # Set when the record is a leader's own work (讲党课 at the 联系点, 廉政谈话 …), counted
    # against the duties of that post; empty for the unit's work as a body.
    post = models.ForeignKey(
        "responsibilities.Post",
        verbose_name=_("post"),
        on_delete=models.PROTECT,
        related_name="work_records",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("type"), max_length=30, choices=WorkType.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=300)
    present = models.PositiveSmallIntegerField(_("members present"), null=True, blank=True)
    expected = models.PositiveSmallIntegerField(_("members expected"), null=True, blank=True)
    # The named people of a 谈心谈话 (or of any record that lists them).
    participants = models.ManyToManyField(
        "accounts.User", verbose_name=_("participants"), related_name="work_records", blank=True
    )
    # People without an account in Mingze (most members of a branch): named in words.
    participant_names = models.CharField(
        _("other participants"), max_length=300, blank=True, help_text=_("Names, separated by commas.")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    # Private notes of a 谈心谈话: only the people in the talk and the unit's secretary
    # read them (DESIGN.md, who sees what); decided in responsibilities.access.
    notes = models.TextField(_("notes"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    duties = models.ManyToManyField(
        "responsibilities.Duty", verbose_name=_("counts for"), related_name="work_records", blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("work record")
        verbose_name_plural = _("work records")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["unit", "kind", "held_on"], name="workrecord_unit_kind_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(present__isnull=True)
                | models.Q(expected__isnull=True)
                | models.Q(present__lte=models.F("expected")),
                name="workrecord_present_within_expected",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on} {self.topic}"


class WorkRecordEvent(AbstractTransitionEvent, ProvinceKeyed):
    """One step of a work record (留痕): entered, changed, recorded, a file added."""

    province_from = ("record",)

    class Action(models.TextChoices):
        CREATE = "create", _("Entered")
        EDIT = "edit", _("Changed")
        RECORD = "record", _("Recorded")
        FILE_ADDED = "file_added", _("File attached")

    record = models.ForeignKey(
        WorkRecord, verbose_name=_("work record"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(AbstractTransitionEvent.Meta):
        verbose_name = _("work record event")
        verbose_name_plural = _("work record events")


def record_file_path(instance, filename):
    return f"records/{instance.record.held_on.year}/{instance.record_id}/{instance.sha256[:16]}{instance.extension}"


class RecordFile(AbstractAttachment, ProvinceKeyed):
    """A photo, scan or sign-in sheet of a work record, checked like evidence."""

    province_from = ("record",)

    record = models.ForeignKey(
        WorkRecord, verbose_name=_("work record"), on_delete=models.PROTECT, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=record_file_path, max_length=200)

    class Meta(AbstractAttachment.Meta):
        verbose_name = _("record file")
        verbose_name_plural = _("record files")
