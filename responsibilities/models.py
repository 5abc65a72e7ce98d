"""谁来抓 and 抓什么: the organization tree, posts, the checklist and its assignments.

Part 一 of the speech: 一、一 names the subjects (党组, 党组书记, 班子成员, 机关党委),
一、二 asks for a layered checklist (责任清单) over the seven categories, with 政治建设 as
the key one, and for work to reach down to every 党支部.
"""

import contextlib
import contextvars

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager

from core import provinces
from core.fields import person


class UnitKind(models.TextChoices):
    LEADING_GROUP = "leading_group", _("Leading Party group")
    ORGAN_COMMITTEE = "organ_committee", _("Organ Party committee")
    BRANCH = "branch", _("Party branch")
    DISCIPLINE_GROUP = "discipline_group", _("Discipline inspection group")
    # 党总支: a general branch with branches under it; 机关纪委: the organ's discipline
    # committee; 直属单位党委: the Party committee of a directly affiliated body.
    GENERAL_BRANCH = "general_branch", _("General Party branch")
    ORGAN_DISCIPLINE = "organ_discipline", _("Organ discipline committee")
    AFFILIATED_COMMITTEE = "affiliated_committee", _("Party committee of an affiliated body")


# The order in which kinds are listed wherever units are grouped by kind (the ranking).
KIND_ORDER = [
    UnitKind.LEADING_GROUP,
    UnitKind.ORGAN_COMMITTEE,
    UnitKind.AFFILIATED_COMMITTEE,
    UnitKind.GENERAL_BRANCH,
    UnitKind.BRANCH,
    UnitKind.ORGAN_DISCIPLINE,
    UnitKind.DISCIPLINE_GROUP,
]


# Whether this thread is already within a unit's addition that holds its provinces
# (treebeard's ``add_child`` and ``add_root`` go on through ``add_sibling``).
_ADDING = contextvars.ContextVar("responsibilities_adding_unit", default=False)


class UnitManager(MP_NodeManager):
    # A unit added (the admin, the Excel import, a split, the demo) holds its province first,
    # as a move does (``provinces.hold``): an addition and a move touching the same tree
    # queue, so that neither rewrites paths the other has not seen yet — the new unit lands
    # under its parent's path as the move left it, and a move never shifts a sibling onto
    # the new unit's path. Where the addition shifts siblings to make room (units are
    # sorted by code), the tables a move locks are locked too, before the first path
    # changes: the order a move takes its locks in.

    def add_root(self, create_kwargs=None, *, instance=None):
        with self._holding(None, create_kwargs or instance):
            return super().add_root(create_kwargs, instance=instance)

    def add_child(self, target, create_kwargs=None, *, instance=None):
        with self._holding(target, create_kwargs or instance):
            return super().add_child(target, create_kwargs, instance=instance)

    def add_sibling(self, target, pos=None, create_kwargs=None, *, instance=None):
        with self._holding(target, create_kwargs or instance, sibling_pos=pos or "sorted-sibling"):
            return super().add_sibling(target, pos, create_kwargs, instance=instance)

    @contextlib.contextmanager
    def _holding(self, target, new, *, sibling_pos=None):
        """Within one transaction: the provinces the new unit may change held (all roots for
        a new root, which may shift the roots sorted after it), then the moving tables
        locked if siblings may shift; ``target`` read afresh under the locks."""
        with transaction.atomic(using=self.db):
            if _ADDING.get():
                yield
                return
            token = _ADDING.set(True)
            try:
                code = new["code"] if isinstance(new, dict) else new.code
                units = Unit._base_manager.db_manager(self.db)
                if target is None or (sibling_pos is not None and target.depth == 1):
                    roots = units.filter(depth=1)
                    provinces.hold(roots.values_list("pk", flat=True))
                    shifting = roots.filter(code__gt=code).exists()
                elif sibling_pos is None:  # a child of ``target``: its children sorted after it shift
                    provinces.hold([target.pk])
                    parent = units.filter(pk=target.pk)
                    shifting = units.filter(
                        path__startswith=Subquery(parent.values("path")),
                        depth=Subquery(parent.values("depth")) + 1,
                        code__gt=code,
                    ).exists()
                else:  # beside ``target``, wherever ``sibling_pos`` says
                    provinces.hold([target.pk])
                    shifting = True
                if target is not None and sibling_pos is not None:
                    self._refresh_tree_fields(target)  # its path as a move before this one left it
                if shifting:
                    provinces.lock_while_moving()
                yield
            finally:
                _ADDING.reset(token)

    def bulk_create(self, objs, *args, **kwargs):
        """Units made in bulk (the bench) get their province like saved ones: a root in
        the same batch has no id yet, so its own and its children's are set after."""
        objs = list(objs)
        roots = {provinces.root_path(unit.path) for unit in objs}
        known = dict(Unit.objects.filter(path__in=roots).values_list("path", "pk"))
        for unit in objs:
            if unit.province_id is None:
                unit.province_id = known.get(provinces.root_path(unit.path), 0)
        with transaction.atomic():
            made = super().bulk_create(objs, *args, **kwargs)
            late = [unit for unit in objs if unit.province_id == 0]
            if late:
                provinces.fill(Unit, queryset=Unit.objects.filter(province_id=0))
                filled = dict(Unit.objects.filter(pk__in=[u.pk for u in late]).values_list("pk", "province_id"))
                for unit in late:
                    unit.province_id = filled.get(unit.pk)
        return made

    def move(self, node, target, pos=None):
        """Move in the tree (treebeard rewrites the paths in SQL): the units that moved
        and every row hanging off them take the province of their new root. The provinces
        it leaves and enters are held first (``provinces.hold_for_move``): moves touching
        them wait for its commit, and treebeard reads the tree afresh under the locks."""
        with transaction.atomic():
            was = provinces.hold_for_move([node.pk, target.pk])[node.pk]
            result = super().move(node, target, pos)
            moved = Unit.objects.get(pk=node.pk)
            provinces.refill(moved.path, was)
            node.province_id = moved.province_id
        return result


class Unit(MP_Node):
    """A node of the organization tree.

    Materialized path (django-treebeard): a subtree is one ``path LIKE 'xxxx%'`` query,
    never one query per node.

    ``province`` is the root of the unit's tree (a root is its own): the distribution key
    of a national installation (``core.provinces`` says why the root, and why an id).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    province = provinces.province_field()

    objects = UnitManager()

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        root = provinces.root_path(self.path)
        if self.province_id is None and root != self.path:
            self.province_id = Unit.objects.filter(path=root).values_list("pk", flat=True).first()
        elif self.province_id is None and self.pk is not None:
            self.province_id = self.pk
        elif self.province_id is None:
            # A new root is its own province: its id is known once it is inserted.
            with transaction.atomic():
                self.province_id = 0
                super().save(*args, **kwargs)
                Unit.objects.filter(pk=self.pk).update(province=F("pk"))
                self.province_id = self.pk
            return
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def kind_label(self) -> str:
        return str(UnitKind(self.kind).label) if self.kind in UnitKind.values else self.kind

    @property
    def successors(self) -> list:
        """The units that carry on this one's work after a merge or split (empty while it
        stands): read from ``Succession``."""
        return [row.successor for row in self.successions.select_related("successor")]

    def subtree(self):
        """This unit and every unit below it, in tree order."""
        return Unit.objects.filter(path__startswith=self.path).order_by("path")

    @property
    def liaison(self):
        """Who holds this unit's liaison post now (None when it has none, or the post is
        vacant): read from ``Liaison``, once per unit object; a list fills it for all its
        units in one query (``access.with_liaisons``)."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("liaisons")
        if not hasattr(self, "_liaison") and prefetched is not None:
            current = max((row for row in prefetched if row.ended is None), key=lambda row: row.pk, default=None)
            self._liaison = current.post.holder if current else None
        if not hasattr(self, "_liaison"):
            rows = Liaison.objects.filter(unit=self, ended__isnull=True)
            if self.__dict__.get("province_id") is not None:  # within its province, when loaded
                rows = rows.filter(province=self.province_id)
            # The post by its id within its province (the liaison row's ``post_province``),
            # not joined to the liaison: it may lie in another province (core.province_keys.
            # CROSSING). One query still — the liaison row's two subqueries naming no outer
            # row, which Citus plans apart on the unit's shard, then the post read by primary
            # key in its province (docs/scale.md 5). Only one liaison of a unit is open
            # (``set_liaison`` ends the one before; a constraint holds it); were there two,
            # the newest row is the liaison, here as in ``access.with_liaisons``.
            newest = rows.order_by("-pk")
            posts = Post.objects.filter(
                pk__in=newest.values("post_id")[:1], province__in=newest.values("post_province")[:1]
            )
            posts = posts.select_related("holder").order_by("pk")
            post = posts.first() if self.pk else None
            self._liaison = post.holder if post else None
        return self._liaison


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    # 党组成员 and 委员 are different seats: a 党组's member is a 党组成员, a 党委's or a
    # 党支部's is a 委员 (一、一 names the 党组 and its 班子成员 apart from the 机关党委).
    GROUP_MEMBER = "group_member", _("Member of the leading Party group")
    MEMBER = "member", _("Committee member")
    DISCIPLINE_MEMBER = "discipline_member", _("Discipline member")


# The 班子成员 seats besides the secretary's: a deputy secretary, a 党组成员, a 委员.
MEMBER_KINDS = (PostKind.DEPUTY_SECRETARY, PostKind.GROUP_MEMBER, PostKind.MEMBER)


class Post(provinces.ProvinceKeyed):
    """A seat in a unit. Duties are carried by the post, so they pass to its next holder."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(_("kind"), max_length=20, choices=PostKind.choices)
    title = models.CharField(_("title"), max_length=64)
    holder = person(_("holder"), optional=True, on_delete=models.SET_NULL, related_name="posts")
    portfolio = models.TextField(
        _("areas in charge"),
        blank=True,
        help_text=_("分管: the areas this post is in charge of, one a line; its 一岗双责 covers them (一、二)."),
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["unit__path", "kind", "title"]
        constraints = [models.UniqueConstraint(fields=["province", "unit", "title"], name="post_unique_title_per_unit")]

    def __str__(self):
        return f"{self.unit.name} {self.title}"


class Liaison(provinces.ProvinceKeyed):
    """党建联系点: the leader post whose holder oversees ``unit`` and reviews its reports,
    from when to when. Dated, so a new holder of the post inherits the role and one who
    has left it loses it; the open row (``ended`` empty) is the current liaison.

    Its province is the overseen unit's: the review queue reads liaisons by unit, and a
    leader's liaison units are in the leader's own province (docs/scale.md section 5)."""

    post = models.ForeignKey(Post, verbose_name=_("leader post"), on_delete=models.PROTECT, related_name="liaisons")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="liaisons")
    # The post's own province, which may be another than the liaison's (a leader may oversee
    # a unit of another organization: core.province_keys.CROSSING): a read of the post from
    # the liaison row names it (docs/scale.md 5). Kept by ``core.provinces`` as the post's.
    post_province = provinces.province_field(verbose_name=_("leader post's province"))
    started = models.DateField(_("from"), default=timezone.localdate)
    ended = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("liaison")
        verbose_name_plural = _("liaisons")
        ordering = ["unit__path", "-started"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "unit"], condition=Q(ended__isnull=True), name="liaison_one_open_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(ended__isnull=True) | Q(ended__gte=models.F("started")), name="liaison_ends_after_start"
            ),
        ]

    province_keys = {"post": "post_province"}

    def __str__(self):
        return f"{self.unit} — {self.post}"


class Tenure(provinces.ProvinceKeyed):
    """Who held a post, from when to when. The open tenure (``ended`` empty) is the holder."""

    province_from = ("post",)

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="tenures")
    person = person(_("person"), related_name="tenures")
    started = models.DateField(_("from"), default=timezone.localdate)
    ended = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("tenure")
        verbose_name_plural = _("tenures")
        ordering = ["post", "-started"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "post"], condition=Q(ended__isnull=True), name="tenure_one_open_per_post"
            ),
        ]

    def __str__(self):
        return f"{self.post} — {self.person}"


class FiledIn(models.Model):
    """A province in which ``person`` submitted a report or issued a 督办 notice: where
    ``responsibilities.access.find`` asks second for a row they filed (an outgoing holder's
    own report after 交接, a notice one issued whatever one's scope), so that the lookup
    names the provinces (docs/scale.md 5) rather than going by id alone. One row a person
    and province, written with the filing (and when a filed row moves to another province);
    on Citus a table of the coordinator, as the people are."""

    person = person(_("person"), on_delete=models.CASCADE)
    province = models.ForeignKey(Unit, verbose_name=_("province"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "province"], name="filedin_unique_person_province")]
        verbose_name = _("province filed in")
        verbose_name_plural = _("provinces filed in")

    def __str__(self):
        return f"{self.person} — {self.province_id}"


class Category(models.Model):
    """One of the seven categories of Party building (党章; speech 一、二)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    key = models.BooleanField(_("key category"), default=False, help_text=_("以党的政治建设为统领 (一、二)."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Checklist(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["-year"]

    def __str__(self):
        return self.title or str(self.year)


class Subject(models.TextChoices):
    """Who carries a duty, as the checklist file says it (谁来抓, 一、一)."""

    LEADING_GROUP = "leading_group", _("Leading Party group")
    LEADING_GROUP_SECRETARY = "leading_group_secretary", _("Secretary of the leading Party group")
    LEADING_GROUP_MEMBER = "leading_group_member", _("Each member of the leading Party group")
    # 个人有关事项, 述责述廉: every 班子成员, the 书记 among them (一、二 "一岗双责").
    LEADING_GROUP_ALL = "leading_group_all", _("Each member of the leading Party group, the secretary included")
    ORGAN_COMMITTEE = "organ_committee", _("Organ Party committee")
    BRANCH = "branch", _("Every Party branch")
    DISCIPLINE_GROUP = "discipline_group", _("Discipline inspection group")


class Responsibility(models.TextChoices):
    PRIMARY = "primary", _("Primary responsibility")
    FIRST = "first", _("First responsible person")
    DUAL = "dual", _("One post, two responsibilities")
    DEDICATED = "dedicated", _("Dedicated responsibility")
    DIRECT = "direct", _("Direct responsibility")
    SUPERVISORY = "supervisory", _("Supervisory responsibility")


class Cadence(models.TextChoices):
    SEMIANNUAL = "semiannual", _("Every half year")
    ANNUAL = "annual", _("Every year")
    QUARTERLY = "quarterly", _("Every quarter")
    ONGOING = "ongoing", _("Ongoing")


class DueWindow(models.TextChoices):
    """When a duty's report falls due (时间节点), as the checklist file's ``due`` key says.

    half_year: on the period's due date (每半年听取一次党建工作汇报, 一、三), the default;
    annual: once a year, in the second half's period, on its own month and day (个人有关事项
    by 31 March, 民主生活会 by the end of February); quarterly: one report per quarter of the
    half, each due its own sub-deadline (``assessments.due``)."""

    HALF_YEAR = "half_year", _("With the half year")
    ANNUAL = "annual", _("Once a year, on its own date")
    QUARTERLY = "quarterly", _("Each quarter")


class WorkType(models.TextChoices):
    """The kinds of work a 履责纪实 record holds (三会一课 and the rest, 二: 向党支部延伸)."""

    BRANCH_COMMITTEE = "branch_committee", _("Branch committee meeting")
    MEMBERS_MEETING = "members_meeting", _("Branch general meeting")
    GROUP_MEETING = "group_meeting", _("Party group meeting (小组)")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Theme Party day")
    ORGANIZATIONAL_LIFE = "organizational_life", _("Organizational life meeting")
    MEMBER_REVIEW = "member_review", _("Democratic review of members")
    TALK = "talk", _("Heart-to-heart talk")
    LEADER_LECTURE = "leader_lecture", _("Leader's Party lecture")
    WARNING_EDUCATION = "warning_education", _("Warning education")
    STUDY_GROUP = "study_group", _("Theory study group")
    DUAL_LIFE = "dual_life", _("Dual organizational life")
    INTEGRITY_TALK = "integrity_talk", _("Integrity talk")
    OTHER = "other", _("Other")


class Frequency(models.TextChoices):
    """How often a duty's work must happen (its required count is per this span)."""

    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    HALF = "half", _("per half year")
    YEAR = "year", _("per year")


class Duty(models.Model):
    """One line of a year's checklist (责任事项)."""

    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="duties"
    )
    code = models.CharField(_("code"), max_length=16)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="duties")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    subject = models.CharField(_("carried by"), max_length=30, choices=Subject.choices)
    responsibility = models.CharField(_("responsibility type"), max_length=20, choices=Responsibility.choices)
    cadence = models.CharField(_("cadence"), max_length=20, choices=Cadence.choices)
    evidence = models.CharField(_("evidence expected"), max_length=300, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    source = models.CharField(_("source in the speech"), max_length=32, blank=True)
    due_window = models.CharField(_("due"), max_length=12, choices=DueWindow.choices, default=DueWindow.HALF_YEAR)
    # An annual duty's own date (month, day; a day past the month's end means its last day).
    due_month = models.PositiveSmallIntegerField(_("due month"), null=True, blank=True)
    due_day = models.PositiveSmallIntegerField(_("due day"), null=True, blank=True)
    # What 履责纪实 records count for this duty, and how many the rules require: e.g. a
    # 支部委员会 at least once per month. Empty when the duty is not counted in records.
    record_type = models.CharField(_("counted records"), max_length=30, choices=WorkType.choices, blank=True)
    required_count = models.PositiveSmallIntegerField(_("required count"), null=True, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, blank=True)
    frequency_source = models.CharField(_("source of the frequency"), max_length=200, blank=True)
    # 谈心谈话 "with each member yearly": no fixed count; the distinct people talked with are
    # counted against the unit's members (required_count stays empty).
    each_member = models.BooleanField(
        _("with each member"),
        default=False,
        help_text=_("Counted as the distinct people in the records against the unit's members."),
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["category__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="duty_unique_code_per_checklist"),
            models.CheckConstraint(
                condition=Q(due_month__isnull=True)
                | Q(due_month__gte=1, due_month__lte=12, due_day__gte=1, due_day__lte=31),
                name="duty_due_date_valid",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def counted(self) -> bool:
        """Whether work records count for this duty against a required frequency."""
        return bool(self.record_type and self.frequency and (self.required_count or self.each_member))

    def clean(self):
        super().clean()
        if not self.record_type:
            return
        if not self.frequency:
            raise ValidationError({"frequency": _("A duty counted in records needs a frequency.")})
        if bool(self.required_count) == self.each_member:
            raise ValidationError(
                {"required_count": _("Give either a required count or 'with each member', not both or neither.")}
            )


class Assignment(provinces.ProvinceKeyed):
    """A duty given to a post (责任分解): the post's holder carries it, so it passes to the
    next holder when people rotate. The unit is the post's, copied here so that lists
    group by unit without a join; ``save`` keeps it so (speech 一、二: "each 班子成员"
    carries their own 一岗双责 duties, so a duty is given to a seat, not to a body)."""

    duty = models.ForeignKey(Duty, verbose_name=_("duty"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments")
    post = models.ForeignKey(
        Post, verbose_name=_("carried by post"), on_delete=models.PROTECT, related_name="assignments"
    )
    active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["unit__path", "duty__category__order", "duty__code"]
        constraints = [models.UniqueConstraint(fields=["province", "duty", "post"], name="assignment_unique_duty_post")]

    def __str__(self):
        return f"{self.duty.code} → {self.post}"

    def save(self, *args, **kwargs):
        if self.post_id is not None:
            self.unit_id = self.post.unit_id
        super().save(*args, **kwargs)


class Deputy(provinces.ProvinceKeyed):
    """Someone the holder of a post names to write and submit its reports for a while (a
    党务干事 for a branch secretary): dated, so what they may do ends on ``ended``."""

    province_from = ("post",)

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="deputies")
    started = models.DateField(_("from"), default=timezone.localdate)
    ended = models.DateField(_("to"), null=True, blank=True)
    named_by = person(_("named by"), optional=True, on_delete=models.SET_NULL)
    note = models.CharField(_("note"), max_length=100, blank=True, help_text=_("For example 党务干事."))
    person = person(_("deputy"), related_name="deputy_for")  # last: it shadows ``person()``

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["post", "-started"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended__isnull=True) | Q(ended__gte=models.F("started")), name="deputy_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.post} — {self.person}"


class Succession(models.Model):
    """A unit merged into another or split into several (撤并、分设): the successor carries
    on the predecessor's open work from ``on``; the predecessor is closed (inactive) and its
    reports, scores and trends of the periods before stay under its own name."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merged into")
        SPLIT = "split", _("Split into")

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("former unit"), on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("successor unit"), on_delete=models.PROTECT, related_name="predecessions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("date"), default=timezone.localdate)
    reason = models.CharField(_("reason"), max_length=200)
    by = person(_("by"), optional=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    moved = models.JSONField(_("open items moved"), default=dict, blank=True)

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        ordering = ["-on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="succession_not_itself"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"
