"""评先评优: the honours a Party organization confers once a year, and the way to them.

Speech 二、三 ("学先进、赶先进、当先进") asks that results count: the ranking only shows
places (前三名); an honour is conferred by the organization. An admin opens a round for a
year, draws nominations from the ranking and the 述职评议 results (adding or withdrawing
one with a reason), publishes them for a 公示 period during which objections are noted,
and records the decision (date and 文号) that confers the honours:

    nominating ──publicize──▶ publicity (公示) ──decide──▶ decided

Each step is an ``HonourEvent`` (全程留痕), chained by the audit trail like every event.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.events import AbstractTransitionEvent
from core.fields import person
from core.provinces import ProvinceKeyed, organization_field


class HonourKind(models.TextChoices):
    ADVANCED_BRANCH = "advanced_branch", _("Advanced Party branch")
    PARTY_WORKER = "party_worker", _("Outstanding Party affairs worker")
    PARTY_MEMBER = "party_member", _("Outstanding Communist Party member")


# Which honours go to a unit and which to a person (who is named with the unit they serve in).
UNIT_KINDS = frozenset({HonourKind.ADVANCED_BRANCH})


class HonourRound(ProvinceKeyed):
    """A year's 评先评优 of one organization (speech 二、三: the organization confers its own
    honours on its own branches and members): its nominations, honours and events live in
    that organization's province (docs/scale.md section 5)."""

    province_from = ("organization",)

    class State(models.TextChoices):
        NOMINATING = "nominating", _("Nominating")
        PUBLICITY = "publicity", _("Public notice")
        DECIDED = "decided", _("Decided")

    organization = organization_field(_("organization running the round"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    kinds = models.JSONField(_("honours awarded"), default=list, help_text=_("The kinds of honour of this round."))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NOMINATING)
    notice_starts_on = models.DateField(_("public notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice until"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    created_by = person(_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("honours round")
        verbose_name_plural = _("honours rounds")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "organization", "year"], name="honourround_once_per_year")
        ]

    def __str__(self):
        return self.title

    def kind_labels(self) -> list[str]:
        return [str(HonourKind(kind).label) for kind in self.kinds if kind in HonourKind.values]

    @property
    def is_public(self) -> bool:
        return self.state in (self.State.PUBLICITY, self.State.DECIDED)


class Nomination(ProvinceKeyed):
    """A unit or person put forward for an honour in a round. Its province is its round's (the
    unit's, as a round nominates within its own organization): a round's rows stay together
    when a branch later moves to another tree (docs/scale.md section 5, item 3)."""

    province_from = ("round",)

    class Source(models.TextChoices):
        RANKING = "ranking", _("Ranking")
        APPRAISAL = "appraisal", _("Appraisal result")
        ADDED = "added", _("Added by the administrator")

    round = models.ForeignKey(
        HonourRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="nominations"
    )
    kind = models.CharField(_("honour"), max_length=20, choices=HonourKind.choices)
    unit = models.ForeignKey(
        "responsibilities.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="nominations"
    )
    person = person(_("person"), optional=True, related_name="nominations")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    basis = models.CharField(_("basis"), max_length=200, blank=True, help_text=_("The place or result it rests on."))
    reason = models.TextField(_("reason for adding"), blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["kind", "unit__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "round", "kind", "unit"],
                condition=models.Q(person__isnull=True),
                name="nomination_unit_once",
            ),
            models.UniqueConstraint(
                fields=["province", "round", "kind", "person"],
                condition=models.Q(person__isnull=False),
                name="nomination_person_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.nominee}"

    @property
    def nominee(self) -> str:
        if self.person_id is None:
            return self.unit.label
        return f"{self.person.display_name}（{self.unit.label}）"


class Objection(ProvinceKeyed):
    """An objection raised during the 公示, noted by the admin with what was done about it."""

    province_from = ("nomination",)

    round = models.ForeignKey(HonourRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="objections")
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="objections"
    )
    text = models.TextField(_("objection"))
    handling = models.TextField(_("how it was handled"), blank=True)
    noted_by = person(_("noted by"))
    noted_at = models.DateTimeField(_("noted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["noted_at", "id"]

    def __str__(self):
        return self.text[:60]


class Honour(ProvinceKeyed):
    """An honour conferred by a decision: kept apart from the nomination so that what the
    unit's page, the pack and the year-end summary read is only what was decided."""

    round = models.ForeignKey(HonourRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="honours")
    nomination = models.OneToOneField(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="honour"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("honour"), max_length=20, choices=HonourKind.choices)
    unit = models.ForeignKey(
        "responsibilities.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    person = person(_("person"), optional=True, related_name="honours")
    conferred_on = models.DateField(_("conferred on"))
    document_number = models.CharField(_("document number"), max_length=60)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "kind", "id"]
        indexes = [models.Index(fields=["unit", "year"], name="honour_unit_year")]
        constraints = [models.UniqueConstraint(fields=["province", "nomination"], name="honour_once_per_nomination")]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}"

    # As ``core.honours.Conferred`` names them, so one template shows either.
    @property
    def label(self) -> str:
        return str(self.get_kind_display())

    @property
    def person_name(self) -> str:
        return self.person.display_name if self.person_id else ""

    @property
    def unit_label(self) -> str:
        return self.unit.label


class HonourEvent(AbstractTransitionEvent, ProvinceKeyed):
    """A step of a round (留痕): one on a nomination lives with the nomination, a round's own
    step with the round."""

    province_from = ("nomination", "round")

    class Action(models.TextChoices):
        CREATE = "create", _("Round created")
        NOMINATE = "nominate", _("Nominations drawn")
        ADD = "add", _("Nomination added")
        WITHDRAW = "withdraw", _("Nomination withdrawn")
        PUBLICIZE = "publicize", _("Public notice started")
        OBJECTION = "objection", _("Objection noted")
        DECIDE = "decide", _("Honours conferred")

    round = models.ForeignKey(HonourRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="events")
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(AbstractTransitionEvent.Meta):
        verbose_name = _("honours event")
        verbose_name_plural = _("honours events")


def year_end_path(instance, filename):
    # Kept for the migrations that name it: the year-end summaries are now the dashboard's
    # exports (dashboard.models.Export, kind year_end), stored under their own names.
    return f"exports/year-end/{instance.year}/{instance.token}.xlsx"
