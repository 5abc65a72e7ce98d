"""What each endpoint answers: thin serializers over the models, so a change of a model
(assignments belonging to posts, say) changes one field list here and nothing else."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import Evidence, Grade, Period, Report
from notifications.models import Notification
from oversight.models import Rectification, SupervisionNotice
from responsibilities.models import Assignment, Checklist, Duty, Post, Unit
from scoring.models import ScoreLine, UnitScore


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField(help_text=_("The id of the unit above, null for a root."))
    liaison = serializers.SerializerMethodField(
        help_text=_("The id of the person holding the unit's liaison post now, null when none.")
    )

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "name_en", "kind", "depth", "parent", "liaison", "active"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_liaison(self, unit) -> int | None:
        return unit.liaison.pk if unit.liaison else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_parent(self, unit) -> int | None:
        # Read off the tree the list already loaded (``parents``), never one query per unit.
        return self.context.get("parents", {}).get(unit.path[: -Unit.steplen]) if unit.depth > 1 else None


class PostSerializer(serializers.ModelSerializer):
    holder_name = serializers.CharField(source="holder.display_name", default=None, read_only=True)

    class Meta:
        model = Post
        fields = ["id", "unit", "kind", "title", "holder", "holder_name", "active"]


class ChecklistSerializer(serializers.ModelSerializer):
    class Meta:
        model = Checklist
        fields = ["id", "year", "title", "status"]


class DutySerializer(serializers.ModelSerializer):
    category_code = serializers.CharField(source="category.code", read_only=True)

    class Meta:
        model = Duty
        fields = "__all__"  # every column of the checklist's line, as the checklist file has it


class AssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assignment
        fields = ["id", "duty", "unit", "post", "active"]


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", "year", "half", "opens_on", "due_on", "grace_days", "review_due_on", "state"]


class ReportSerializer(serializers.ModelSerializer):
    """A report in a list: its state, dates and grade, never its text."""

    duty = serializers.IntegerField(source="assignment.duty_id", read_only=True)
    duty_code = serializers.CharField(source="assignment.duty.code", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "period",
            "unit",
            "category",
            "assignment",
            "duty",
            "duty_code",
            "due_on",
            "quarter",
            "state",
            "submitted_at",
            "reviewed_at",
            "late",
            "self_assessment",
            "grade",
            "updated_at",
        ]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "description", "work_date", "uploaded_at"]


class ReportDetailSerializer(ReportSerializer):
    """One report, for a reader whose scope covers its unit: with its text and evidence."""

    evidence = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "content", "review_comment", "evidence"]

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, report):
        # Within the report's province: its shard only (docs/scale.md 5).
        files = report.evidence.filter(province=report.province_id, removed_at__isnull=True).order_by("work_date", "id")
        return EvidenceSerializer(files, many=True).data


class SubmitSerializer(serializers.Serializer):
    """What the secretary files: the text, the self-assessment, and any files with the date
    of the work each proves (as on the report page)."""

    content = serializers.CharField(max_length=20000, help_text=_("What was done."))
    self_assessment = serializers.ChoiceField(choices=Grade.choices, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=20)
    work_date = serializers.DateField(required=False, help_text=_("The date of the work the files prove."))
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, data):
        errors = {}
        if data["files"] and not data.get("work_date"):
            errors["work_date"] = [_("Give the date of the work the files prove.")]
        if data["files"] and not data["description"].strip():
            errors["description"] = [_("Say what the files show.")]
        if errors:
            raise serializers.ValidationError(errors)
        return data


class ScoreLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreLine
        fields = ["id", "kind", "report", "label", "points", "cause", "base_points", "weight"]


class UnitScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitScore
        fields = ["id", "period", "unit", "score", "subtree_score", "reports", "on_time", "computed_at"]


class UnitScoreDetailSerializer(UnitScoreSerializer):
    breakdown = ScoreLineSerializer(source="lines", many=True, read_only=True)

    class Meta(UnitScoreSerializer.Meta):
        fields = [*UnitScoreSerializer.Meta.fields, "breakdown"]


class RectificationSerializer(serializers.ModelSerializer):
    # Where the problem was found (问题来源: 民主生活会, 组织生活会, 巡察, 审计 …) and the
    # duty it concerns, by its code: read here, chosen on the rectification's page.
    source = serializers.ChoiceField(choices=Rectification.Source.choices, read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    duty = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("The code of the duty the problem concerns, null when none.")
    )

    class Meta:
        model = Rectification
        fields = [
            "id",
            "unit",
            "post",
            "source",
            "source_label",
            "duty",
            "report",
            "notice",
            "problem",
            "measure",
            "deadline",
            "state",
            "created_at",
            "reported_at",
            "closed_at",
        ]


class NoticeSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = SupervisionNotice
        fields = [
            "id",
            "label",
            "year",
            "number",
            "unit",
            "matter",
            "subject",
            "body",
            "report",
            "rectification",
            "deadline",
            "state",
            "issued_at",
            "replied_at",
            "closed_at",
        ]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


# ---------------------------------------------------------------------------------------
# The dashboard's figures


class StateCountsSerializer(serializers.Serializer):
    approved = serializers.IntegerField()
    submitted = serializers.IntegerField()
    draft = serializers.IntegerField()
    returned = serializers.IntegerField()
    locked = serializers.IntegerField()
    total = serializers.IntegerField()


class DashboardRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(help_text=_("The unit the row stands for."))
    own = serializers.BooleanField(help_text=_("True: the unit's own reports; false: its whole subtree."))
    counts = StateCountsSerializer()
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    subtree_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class DashboardSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    unit = serializers.IntegerField(allow_null=True, help_text=_("The subtree's root; null: the whole organization."))
    totals = StateCountsSerializer()
    rows = DashboardRowSerializer(many=True)


# ---------------------------------------------------------------------------------------
# The period summary for the level above (api/summary.py): described field by field so the
# schema documents it; the test checks a real document against it.


def _counts(name: str, states: list[str]):
    fields = {state: serializers.IntegerField() for state in [*states, "total"]}
    return type(name, (serializers.Serializer,), fields)


SummaryReportCounts = _counts("SummaryReportCounts", Report.State.values)
SummaryRectificationCounts = _counts("SummaryRectificationCounts", Rectification.State.values)
SummaryNoticeCounts = _counts("SummaryNoticeCounts", SupervisionNotice.State.values)


class SummaryScoreSerializer(serializers.Serializer):
    score = serializers.CharField(help_text=_("Two decimals, as a string."))
    subtree_score = serializers.CharField()
    reports = serializers.IntegerField()
    on_time = serializers.IntegerField()


class SummaryPeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    half = serializers.IntegerField()
    opens_on = serializers.DateField()
    due_on = serializers.DateField()
    state = serializers.CharField()


class SummaryRootSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)


class SummaryUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    parent_code = serializers.CharField(allow_null=True, help_text=_("The code of the unit above; null at the top."))
    active = serializers.BooleanField()
    reports = SummaryReportCounts(help_text=_("The unit's own reports of the period, by state."))
    late = serializers.IntegerField()
    score = SummaryScoreSerializer(allow_null=True, help_text=_("Null until the period is scored."))
    rectifications = SummaryRectificationCounts()
    notices = SummaryNoticeCounts()


class SummaryTotalsSerializer(serializers.Serializer):
    units = serializers.IntegerField()
    reports = SummaryReportCounts()
    late = serializers.IntegerField()
    rectifications = SummaryRectificationCounts()
    notices = SummaryNoticeCounts()


class SummarySerializer(serializers.Serializer):
    format = serializers.CharField(help_text=_("Always “mingze.period-summary”."))
    version = serializers.IntegerField(help_text=_("The layout's edition: fields may be added, never changed."))
    organization = serializers.CharField(allow_blank=True)
    generated_at = serializers.DateTimeField()
    period = SummaryPeriodSerializer()
    root = SummaryRootSerializer(allow_null=True)
    units = SummaryUnitSerializer(many=True)
    totals = SummaryTotalsSerializer()
