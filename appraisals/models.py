"""述职评议: the yearly report-on-duty of branch secretaries and the anonymous ratings given to it.

Speech 一、三: "完善述职评议考核机制，坚持'书记抓、抓书记'，突出对党支部书记的考核". Every
holder of a 党支部书记 post writes a 述职 report once a year; leadership members, 机关党委
members and a sample of other secretaries rate it, criterion by criterion, without their
names; the weighted result, a grade and a ranking are published to the secretaries.

How the ballots stay anonymous is explained on ``Ballot`` and in ``appraisals.anonymity``.
"""

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.attachments import AbstractAttachment
from core.events import AbstractEvent
from core.fields import person
from core.provinces import ProvinceKeyed, organization_field

# Fewer ballots than this and the averages would give one rater's marks away (with two,
# each rater could read the other's off the result): neither a round's minimum of valid
# ballots nor a rater role may go below it.
ANONYMITY_FLOOR = 3


class RaterRole(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership member")
    COMMITTEE = "committee", _("Organ Party committee member")
    PEER = "peer", _("Other branch secretary")


class AppraisalRound(ProvinceKeyed):
    """A year's 述职评议 of one organization (speech 一、三: the 党组 and its 机关党委 appraise
    their own branch secretaries): its secretaries, raters, ballots and events live in that
    organization's province (docs/scale.md section 5)."""

    province_from = ("organization",)

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for rating")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Published")

    organization = organization_field(_("organization running the round"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    due_on = models.DateField(_("rating due on"), null=True, blank=True)
    min_valid_ballots = models.PositiveSmallIntegerField(
        _("minimum valid ballots"),
        default=5,
        validators=[MinValueValidator(ANONYMITY_FLOOR), MaxValueValidator(999)],
        help_text=_("A secretary with fewer valid ballots gets no score or grade (at least 3, to keep raters hidden)."),
    )
    leadership_weight = models.DecimalField(
        _("weight of leadership members"), max_digits=5, decimal_places=2, default=Decimal("50")
    )
    committee_weight = models.DecimalField(
        _("weight of organ Party committee members"), max_digits=5, decimal_places=2, default=Decimal("30")
    )
    peer_weight = models.DecimalField(
        _("weight of other branch secretaries"), max_digits=5, decimal_places=2, default=Decimal("20")
    )
    peer_sample_size = models.PositiveSmallIntegerField(
        _("number of other secretaries who rate"),
        default=3,
        validators=[MaxValueValidator(999)],
        help_text=_("Drawn at random from the branch secretaries when the rater list is rebuilt."),
    )
    created_by = person(_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal round")
        verbose_name_plural = _("appraisal rounds")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "organization", "year"], name="appraisalround_once_per_year")
        ]

    def __str__(self):
        return self.title

    def role_weights(self) -> dict[str, Decimal]:
        return {
            RaterRole.LEADERSHIP: self.leadership_weight,
            RaterRole.COMMITTEE: self.committee_weight,
            RaterRole.PEER: self.peer_weight,
        }

    @property
    def has_results(self) -> bool:
        return self.state in (self.State.CLOSED, self.State.PUBLISHED)


class Criterion(ProvinceKeyed):
    province_from = ("round",)

    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class GradeLevel(ProvinceKeyed):
    """One step of the grade scale: what a rater may give (with its points) and, read the
    other way, the grade of an overall score at or above ``min_score``."""

    province_from = ("round",)

    round = models.ForeignKey(AppraisalRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(_("name"), max_length=20)
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    min_score = models.DecimalField(
        _("overall score from"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The grade of a secretary whose overall score is at least this."),
    )

    class Meta:
        verbose_name = _("grade level")
        verbose_name_plural = _("grade levels")
        ordering = ["-points", "id"]

    def __str__(self):
        return self.name


class Appraisee(ProvinceKeyed):
    """A secretary appraised in a round, and their 述职 report. Its province is its round's
    — the unit's, as a round draws its secretaries from its own organization's tree — and
    everything under it (evidence, ballots, result, findings) lives there too: a round's
    rows stay together when a branch later moves to another tree, where its post goes
    (docs/scale.md section 5, item 3)."""

    province_from = ("round",)

    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="appraisees"
    )
    person = person(_("secretary"), related_name="appraisals")
    post = models.ForeignKey(
        "responsibilities.Post", verbose_name=_("post"), on_delete=models.PROTECT, related_name="appraisals"
    )
    unit = models.ForeignKey(
        "responsibilities.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="appraisals"
    )
    report = models.TextField(_("report on duty"), blank=True)
    answers = models.TextField(
        _("answer to last year's findings"),
        blank=True,
        help_text=_("What was done about each problem found in the previous appraisal."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("appraised secretary")
        verbose_name_plural = _("appraised secretaries")
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["province", "round", "person"], name="appraisee_once_per_round")]

    def __str__(self):
        return f"{self.round} · {self.person}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


def appraisal_evidence_path(instance, filename):
    return f"appraisals/{instance.appraisee.round.year}/{instance.appraisee_id}/{filename}"


class AppraisalEvidence(AbstractAttachment, ProvinceKeyed):
    province_from = ("appraisee",)

    appraisee = models.ForeignKey(
        Appraisee, verbose_name=_("appraised secretary"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=appraisal_evidence_path, max_length=200)

    class Meta(AbstractAttachment.Meta):
        verbose_name = _("appraisal evidence")
        verbose_name_plural = _("appraisal evidence")


class Rater(ProvinceKeyed):
    """Who may rate in a round, and in which role. Whether they have rated is NOT kept
    here (that would date their ballot): see ``BallotToken``."""

    province_from = ("round",)

    round = models.ForeignKey(AppraisalRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="raters")
    person = person(_("rater"), related_name="appraisal_raters")
    role = models.CharField(_("rater role"), max_length=12, choices=RaterRole.choices)

    class Meta:
        verbose_name = _("rater")
        verbose_name_plural = _("raters")
        ordering = ["role", "id"]
        constraints = [models.UniqueConstraint(fields=["province", "round", "person"], name="rater_once_per_round")]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


class Ballot(ProvinceKeyed):
    """One rater's marks for one secretary — with no trace of the rater.

    Anonymity by design (the issue asks that even a database reader cannot join a ballot
    to a person):
    - no user column, no token, no time: nothing here names or dates the rater;
    - the primary key is a random UUID, not a sequence, so ids do not give the order of
      voting away (nor do the scores' ids, also UUIDs);
    - double voting is stopped by ``BallotToken``, a separate table holding only a keyed
      one-way hash of (round, rater) — see ``appraisals.anonymity``;
    - the rater's role is kept because the result weighs roles; a round refuses to open
      with fewer than ``ANONYMITY_FLOOR`` raters in a role, and a role with fewer valid
      ballots for a secretary is left out of the result;
    - a ballot is not written by the voter's transaction: the sheet waits sealed in
      ``BallotBox`` and a job writes ballots in shuffled batches of at least three voters,
      so neither the transaction id (``xmin``) nor the rows' order groups one voter's sheet.

    Its province is the appraised secretary's (a ballot is read with its appraisee): it
    says where the row lives, nothing of who cast it.
    """

    province_from = ("appraisee",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(AppraisalRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="ballots")
    appraisee = models.ForeignKey(
        Appraisee, verbose_name=_("appraised secretary"), on_delete=models.PROTECT, related_name="ballots"
    )
    rater_role = models.CharField(_("rater role"), max_length=12, choices=RaterRole.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self):
        return str(self.pk)


class BallotScore(ProvinceKeyed):
    province_from = ("ballot",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(GradeLevel, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="+")
    # Copied from the level when cast, so a result can be recomputed from the ballots alone.
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("ballot score")
        verbose_name_plural = _("ballot scores")
        constraints = [
            models.UniqueConstraint(fields=["province", "ballot", "criterion"], name="ballotscore_once_per_criterion")
        ]

    def __str__(self):
        return str(self.pk)


class BallotToken(ProvinceKeyed):
    """That someone has voted in a round: a keyed one-way hash of (round, rater), nothing more.

    The unique constraint makes the second vote of the same person fail, also when two
    arrive at once. Without the server's secret the token cannot be traced back to a
    person; with it, one can only tell *whether* someone voted, never which ballot is
    theirs, because no ballot refers to a token. It lives in its round's province.
    """

    province_from = ("round",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(AppraisalRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="tokens")
    token = models.CharField(_("token"), max_length=64)

    class Meta:
        verbose_name = _("ballot token")
        verbose_name_plural = _("ballot tokens")
        constraints = [
            models.UniqueConstraint(fields=["province", "round", "token"], name="ballottoken_once_per_rater")
        ]

    def __str__(self):
        return self.token[:12]


class BallotBox(ProvinceKeyed):
    """A rater's sheet, sealed, waiting to be counted: written in the voter's transaction
    with their token, and emptied into ``Ballot``/``BallotScore`` by a job of its own in
    batches of at least three voters (see ``appraisals.anonymity``). No voter, no time."""

    province_from = ("round",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="sealed_sheets"
    )
    sealed = models.TextField(_("sealed sheet"))

    class Meta:
        verbose_name = _("sealed ballot sheet")
        verbose_name_plural = _("sealed ballot sheets")

    def __str__(self):
        return str(self.pk)


class AppraisalResult(ProvinceKeyed):
    """A secretary's result, computed and stored when the round closes (so publishing shows
    exactly what the admin checked)."""

    province_from = ("appraisee",)

    appraisee = models.OneToOneField(
        Appraisee, verbose_name=_("appraised secretary"), on_delete=models.CASCADE, related_name="result"
    )
    score = models.DecimalField(_("overall score"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.ForeignKey(
        GradeLevel, verbose_name=_("grade"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_ballots = models.PositiveIntegerField(_("valid ballots"), default=0)
    invalid_ballots = models.PositiveIntegerField(_("invalid ballots"), default=0)
    enough_ballots = models.BooleanField(_("enough valid ballots"), default=False)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal result")
        verbose_name_plural = _("appraisal results")
        constraints = [models.UniqueConstraint(fields=["province", "appraisee"], name="appraisalresult_once")]

    def __str__(self):
        return f"{self.appraisee}: {self.score}"


class CriterionResult(ProvinceKeyed):
    province_from = ("result",)

    result = models.ForeignKey(
        AppraisalResult, verbose_name=_("result"), on_delete=models.CASCADE, related_name="criteria"
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("criterion result")
        verbose_name_plural = _("criterion results")
        ordering = ["criterion__order", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["province", "result", "criterion"], name="criterionresult_once")]

    def __str__(self):
        return f"{self.criterion_id}: {self.score}"


class Finding(ProvinceKeyed):
    """A problem found in a secretary's appraisal. Next year's 述职 report must answer it
    (检视整改再实化, 二、一); it may also become a rectification."""

    province_from = ("appraisee",)

    appraisee = models.ForeignKey(
        Appraisee, verbose_name=_("appraised secretary"), on_delete=models.PROTECT, related_name="findings"
    )
    text = models.TextField(_("problem found"))
    raised_by = person(_("raised by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:60]


class AppraisalEvent(AbstractEvent, ProvinceKeyed):
    """Who did what, when, to a round or a secretary's report (留痕). Casting a ballot is
    deliberately NOT an event: a dated record of who voted would undo the anonymity. A
    secretary's step lives with the secretary, a round's own step with the round."""

    province_from = ("appraisee", "round")

    class Action(models.TextChoices):
        CREATE = "create", _("Round created")
        CONFIGURE = "configure", _("Round changed")
        OPEN = "open", _("Round opened")
        CLOSE = "close", _("Round closed")
        PUBLISH = "publish", _("Results published")
        REPORT_SAVED = "report_saved", _("Report saved")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        EVIDENCE_ADDED = "evidence_added", _("Evidence added")
        FINDING = "finding", _("Finding recorded")

    round = models.ForeignKey(AppraisalRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="events")
    appraisee = models.ForeignKey(
        Appraisee,
        verbose_name=_("appraised secretary"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(AbstractEvent.Meta):
        verbose_name = _("appraisal event")
        verbose_name_plural = _("appraisal events")
