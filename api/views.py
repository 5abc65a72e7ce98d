"""The API's endpoints: thin views over the apps' permissions, selectors and services.

Every list is narrowed by the one scope module (``responsibilities.access``, through the
apps' ``*_visible_to``), every object is fetched through it (404 when the reader may not
know of it), and every write goes through the same service as the page."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import permissions as report_permissions
from assessments import services as report_services
from assessments.models import Period, Report
from core import provinces
from core.replica import heavy_reads
from dashboard import permissions as dashboard_permissions
from dashboard import selectors as dashboard_selectors
from dashboard.forms import ReportFilterForm
from notifications.models import Notification
from notifications.services import mark_read
from oversight import permissions as oversight_permissions
from oversight.models import Rectification, SupervisionNotice
from responsibilities import access
from responsibilities.models import Assignment, Checklist, Duty, Post, Unit
from scoring import permissions as score_permissions
from scoring.models import ScoreLine, UnitScore

from . import serializers, summary
from .pagination import TreeCursor

UNIT_PARAM = OpenApiParameter(
    "unit", int, description="The id of a unit: its subtree only (a unit you may not see answers 404)."
)
PERIOD_PARAM = OpenApiParameter("period", int, description="The id of a period.")


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValidationError({name: [_("Give a whole number.")]}) from None
    if number < 1:
        raise ValidationError({name: [_("Give a whole number.")]})
    return number


def _visible_unit(request, unit_id: int) -> Unit:
    """A unit the reader may see, else 404 (they do not learn that it exists)."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not access.may_see_unit(request.user, unit):
        raise Http404
    return unit


def _in_subtree_of_param(request, qs, field: str = "unit"):
    unit_id = _int_param(request, "unit")
    if unit_id is None:
        return qs
    return qs.filter(access.in_subtree(_visible_unit(request, unit_id), field))


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only list and detail; ``scoped`` narrows the rows to the reader's scope."""

    def scoped(self, qs):
        raise NotImplementedError

    def filtered(self, qs):
        return qs

    def get_queryset(self):
        qs = self.scoped(self.queryset.all())
        if self.action == "list":
            qs = self.filtered(qs)
        return qs

    def get_object(self):
        """One row by its id (``/…/{id}/``): a province-keyed row is looked up within the
        provinces in which the reader may read (``access.find``: on Citus those shards
        only, for an admin or a leader too), among the rows ``scoped`` lets them see; 404
        when it is not there, as for a row they may not know of (docs/scale.md 5)."""
        qs = self.get_queryset()
        if not issubclass(qs.model, provinces.ProvinceKeyed):
            return super().get_object()
        found = access.find_or_404(self.request.user, qs, self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        self.check_object_permissions(self.request, found)
        return found


@extend_schema(tags=["organization"], parameters=[UNIT_PARAM])
class UnitViewSet(ScopedViewSet):
    """The units you may see, in tree order, each with the id of the unit above it."""

    queryset = Unit.objects.all()
    serializer_class = serializers.UnitSerializer
    pagination_class = TreeCursor

    def scoped(self, qs):
        return access.visible(self.request.user, qs, "")

    def filtered(self, qs):
        return _in_subtree_of_param(self.request, qs, "")

    def get_serializer(self, *args, **kwargs):
        if args:
            # The parents of the units shown, by path (a parent's path is one step shorter):
            # one query for the page, never one per unit.
            units = list(args[0]) if kwargs.get("many") else [args[0]]
            # Who holds each unit's liaison post now: one query for the page.
            units = access.with_liaisons(units)
            args = (units if kwargs.get("many") else units[0], *args[1:])
            paths = {unit.path[: -Unit.steplen] for unit in units if unit.depth > 1}
            parents = dict(Unit.objects.filter(path__in=paths).values_list("path", "pk")) if paths else {}
            kwargs["context"] = {**self.get_serializer_context(), "parents": parents}
        return super().get_serializer(*args, **kwargs)


@extend_schema(tags=["organization"], parameters=[UNIT_PARAM])
class PostViewSet(ScopedViewSet):
    """Posts of the units you may see, and who holds them."""

    queryset = Post.objects.select_related("holder")
    serializer_class = serializers.PostSerializer

    def scoped(self, qs):
        return access.visible(self.request.user, qs)

    def filtered(self, qs):
        return _in_subtree_of_param(self.request, qs)


@extend_schema(tags=["checklist"])
class ChecklistViewSet(viewsets.ReadOnlyModelViewSet):
    """The yearly checklists (责任清单): the same for everyone signed in."""

    queryset = Checklist.objects.all()
    serializer_class = serializers.ChecklistSerializer


@extend_schema(
    tags=["checklist"],
    parameters=[
        OpenApiParameter("checklist", int, description="The id of a checklist."),
        OpenApiParameter("category", str, description="A category's code."),
    ],
)
class DutyViewSet(ScopedViewSet):
    """The duties of the checklists (责任事项): all of them for those who see the whole
    organization, else those given to the units you see."""

    queryset = Duty.objects.select_related("category")
    serializer_class = serializers.DutySerializer

    def scoped(self, qs):
        """The whole checklist for those who see the whole organization (as its page);
        for a post holder, the duties given to the units they see."""
        if access.sees_everything(self.request.user):
            return qs
        given = access.visible(self.request.user, Assignment.objects.all()).values("duty_id")
        return qs.filter(pk__in=given)

    def filtered(self, qs):
        checklist = _int_param(self.request, "checklist")
        if checklist is not None:
            qs = qs.filter(checklist_id=checklist)
        if self.request.query_params.get("category"):
            qs = qs.filter(category__code=self.request.query_params["category"])
        return qs


@extend_schema(tags=["checklist"], parameters=[UNIT_PARAM])
class AssignmentViewSet(ScopedViewSet):
    """Duties given to the units you may see (责任分解), each with the post that carries it."""

    queryset = Assignment.objects.all()
    serializer_class = serializers.AssignmentSerializer

    def scoped(self, qs):
        return access.visible(self.request.user, qs)

    def filtered(self, qs):
        return _in_subtree_of_param(self.request, qs)


@extend_schema(tags=["reports"])
class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """The half-year periods: the same for everyone signed in."""

    queryset = Period.objects.all()
    serializer_class = serializers.PeriodSerializer


@extend_schema(
    tags=["reports"],
    parameters=[
        PERIOD_PARAM,
        UNIT_PARAM,
        OpenApiParameter("exact", bool, description="With unit: that unit's own reports only."),
        OpenApiParameter("category", int, description="The id of a category."),
        OpenApiParameter("state", str, enum=Report.State.values),
        OpenApiParameter("warning", str, enum=["blue", "yellow", "red"]),
        OpenApiParameter("late", bool, description="Submitted late only."),
    ],
)
class ReportViewSet(ScopedViewSet):
    """Reports of the units you may see, filtered as on the dashboard's list. A list gives
    states, dates and grades; one report (``/reports/{id}/``) adds its text and evidence."""

    queryset = Report.objects.select_related("assignment__duty")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ReportDetailSerializer
        if self.action == "submit":
            return serializers.SubmitSerializer
        return serializers.ReportSerializer

    def scoped(self, qs):
        return report_permissions.reports_visible_to(self.request.user, qs)

    def filtered(self, qs):
        form = ReportFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        data = form.cleaned_data
        if data.get("unit"):
            unit = _visible_unit(self.request, data["unit"])
            qs = qs.filter(access.exactly(unit) if data.get("exact") else access.in_subtree(unit))
        if data.get("period"):
            qs = qs.filter(period=data["period"])
            if data.get("warning"):
                qs = qs.filter(dashboard_selectors.warning_filter(data["period"], data["warning"]))
        elif data.get("warning"):
            raise ValidationError({"warning": [_("A warning needs a period.")]})
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("state"):
            qs = qs.filter(state=data["state"])
        if data.get("late"):
            qs = qs.filter(late=True)
        return qs

    def get_object(self):
        report = report_permissions.get_report_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, report)
        return report

    @extend_schema(
        request={"multipart/form-data": serializers.SubmitSerializer, "application/json": serializers.SubmitSerializer},
        responses={200: serializers.ReportDetailSerializer},
        description="File and submit a report of a unit in which you hold a post: the text, the self-assessment "
        "and any files, as the report page does (the same events, notifications and audit trail).",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def submit(self, request, pk=None):
        report = report_permissions.get_report_for(request.user, pk, action="file")
        form = serializers.SubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        with transaction.atomic():
            for upload in data["files"]:
                report_services.add_evidence(
                    report_id=report.pk,
                    actor=request.user,
                    upload=upload,
                    description=data["description"],
                    work_date=data["work_date"],
                    province_id=report.province_id,  # locked on its shard (docs/scale.md 5)
                )
            report_services.submit_report(
                report_id=report.pk,
                actor=request.user,
                content=data["content"],
                self_assessment=data["self_assessment"],
                province_id=report.province_id,
            )
        report = report_permissions.get_report_for(request.user, pk)
        return Response(serializers.ReportDetailSerializer(report).data)


@extend_schema(tags=["scores"], parameters=[PERIOD_PARAM, UNIT_PARAM])
class ScoreViewSet(ScopedViewSet):
    """Units' scores per period; one score (``/scores/{id}/``) adds its breakdown."""

    queryset = UnitScore.objects.all()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.UnitScoreDetailSerializer
        return serializers.UnitScoreSerializer

    def scoped(self, qs):
        return score_permissions.scores_visible_to(self.request.user, qs)

    def get_object(self):
        """The score within the reader's provinces (``ScopedViewSet``), its breakdown within
        the score's own: one query each, on its shard (docs/scale.md 5)."""
        score = super().get_object()
        lines = ScoreLine.objects.filter(province=score.province_id)
        prefetch_related_objects([score], Prefetch("lines", queryset=lines))
        return score

    def filtered(self, qs):
        period = _int_param(self.request, "period")
        if period is not None:
            qs = qs.filter(period_id=period)
        return _in_subtree_of_param(self.request, qs)


STATE_PARAM = OpenApiParameter("state", str)


@extend_schema(tags=["oversight"], parameters=[UNIT_PARAM, STATE_PARAM])
class RectificationViewSet(ScopedViewSet):
    """Rectifications (整改) of the units you may see."""

    queryset = Rectification.objects.select_related("duty")
    serializer_class = serializers.RectificationSerializer

    def scoped(self, qs):
        return oversight_permissions.rectifications_visible_to(self.request.user, qs)

    def filtered(self, qs):
        if self.request.query_params.get("state"):
            qs = qs.filter(state=self.request.query_params["state"])
        return _in_subtree_of_param(self.request, qs)


@extend_schema(tags=["oversight"], parameters=[UNIT_PARAM, STATE_PARAM])
class NoticeViewSet(ScopedViewSet):
    """Supervision notices (督办) of the units you may see, and those you issued."""

    queryset = SupervisionNotice.objects.all()
    serializer_class = serializers.NoticeSerializer

    def scoped(self, qs):
        return oversight_permissions.notices_visible_to(self.request.user, qs)

    def filtered(self, qs):
        if self.request.query_params.get("state"):
            qs = qs.filter(state=self.request.query_params["state"])
        return _in_subtree_of_param(self.request, qs)


@extend_schema(
    tags=["notifications"],
    parameters=[OpenApiParameter("unread", bool, description="Unread ones only.")],
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Your own notifications (提醒), newest first."""

    queryset = Notification.objects.all()
    serializer_class = serializers.NotificationSerializer

    def get_queryset(self):
        qs = self.queryset.filter(recipient=self.request.user)
        if self.action == "list" and self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    def paginate_queryset(self, queryset):
        self.paginator.ordering = "-id"
        return super().paginate_queryset(queryset)

    @extend_schema(request=None, responses={200: serializers.NotificationSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Mark the notification read (as opening it on the notifications page does)."""
        note = get_object_or_404(self.get_queryset(), pk=pk)
        mark_read(user=request.user, ids=[note.pk])
        note = self.get_queryset().get(pk=note.pk)  # read again within the recipient's rows
        return Response(self.get_serializer(note).data)


def _period_or_404(request, *, default_newest: bool) -> Period:
    period_id = _int_param(request, "period")
    if period_id is None:
        period = dashboard_selectors.newest_period() if default_newest else None
        if period is None:
            raise ValidationError({"period": [_("Give a period.")]})
        return period
    period = Period.objects.filter(pk=period_id).first()
    if period is None:
        raise Http404
    return period


@extend_schema(tags=["dashboard"], parameters=[PERIOD_PARAM, UNIT_PARAM], responses=serializers.DashboardSerializer)
class DashboardView(APIView):
    """The dashboard's figures for a period (the newest by default) and a subtree (your
    default one, as on the page): reports by state for each unit one level below the root,
    rolled up over its subtree, the root's own, and each row's stored score."""

    def get(self, request):
        with heavy_reads():
            scope = dashboard_permissions.scope_for(request.user, _int_param(request, "unit"))
            period = _period_or_404(request, default_newest=True)
            _crumbs, rows = dashboard_selectors.tree_units(scope)
            totals = dashboard_selectors.fill_counts(scope, period, rows)
            scores = {
                s.unit_id: s for s in UnitScore.objects.filter(period=period, unit__in=[row.unit.pk for row in rows])
            }

        def counts(found: dict) -> dict:
            return {
                **{state: found.get(state, 0) for state in dashboard_selectors.STATES},
                "total": sum(found.values()),
            }

        body = {
            "period": period.pk,
            "unit": scope.root.pk if scope.root is not None else None,
            "totals": counts(totals),
            "rows": [
                {
                    "unit": row.unit.pk,
                    "own": row.own,
                    "counts": counts(row.counts),
                    "score": getattr(scores.get(row.unit.pk), "score", None),
                    "subtree_score": getattr(scores.get(row.unit.pk), "subtree_score", None),
                }
                for row in rows
            ],
        }
        return Response(serializers.DashboardSerializer(body).data)


@extend_schema(
    tags=["dashboard"],
    parameters=[
        OpenApiParameter("period", int, required=True, description="The id of a period."),
        OpenApiParameter(
            "unit", int, description="The subtree's root; none: the whole organization (for those who see it all)."
        ),
    ],
    responses=serializers.SummarySerializer,
)
class SummaryView(APIView):
    """One period's figures for a subtree, as the versioned document a superior
    organization collects (README, "The period summary")."""

    def get(self, request):
        unit_id = _int_param(request, "unit")
        root = _visible_unit(request, unit_id) if unit_id is not None else None
        if not access.covers(request.user, root):
            raise Http404
        period = _period_or_404(request, default_newest=False)
        with heavy_reads():
            return Response(summary.build(period=period, root=root))
