"""Scores (which report gave what, which deduction, which bonus), the scoring rules and
bonuses. Seeing scores: admins, leaders, supervisors all units; a secretary their own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.models import Period
from core.errors import PeriodClosedError
from core.replica import heavy_read_view
from responsibilities.models import Category

from . import selectors, services
from .forms import BonusForm, RuleForm
from .models import BonusItem, ScoringRule, UnitScore
from .permissions import can_edit_rules, can_see_score, can_see_scores, require, scores_visible_to

HISTORY = 15


def _period_from(request, choices) -> Period | None:
    raw = request.GET.get("period")
    if raw:
        if not raw.isdigit():
            raise Http404
        return get_object_or_404(Period, pk=int(raw))
    return next(iter(choices), None)


@login_required
@heavy_read_view
def scores(request):
    """Each unit's score for a period, in tree order, with its subtree roll-up."""
    require(can_see_scores(request.user))
    periods = list(selectors.scored_periods())
    period = _period_from(request, periods)
    rows = scores_visible_to(request.user, selectors.unit_scores(period=period)) if period else []
    return render(request, "scoring/scores.html", {"periods": periods, "period": period, "rows": rows})


@login_required
def unit_score(request, period_pk, unit_code):
    """One unit's score explained line by line. Another unit's, for a secretary: 404."""
    require(can_see_scores(request.user))
    score = UnitScore.objects.select_related("period", "unit").filter(period_id=period_pk, unit__code=unit_code).first()
    if score is None or not can_see_score(request.user, score):
        raise Http404
    lines = list(selectors.breakdown(score))
    return render(
        request,
        "scoring/unit_score.html",
        {
            "score": score,
            "reports": [line for line in lines if line.kind == "report"],
            "deductions": [line for line in lines if line.kind == "deduction"],
            "bonuses": [line for line in lines if line.kind == "bonus"],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules(request):
    """评分规则: an admin edits the numbers; every change is kept (django-simple-history)."""
    require(can_edit_rules(request.user))
    rule = services.current_rule()
    categories = Category.objects.order_by("order", "code")
    weights = dict(rule.weights.values_list("category_id", "weight"))
    form = RuleForm(request.POST or None, instance=rule, categories=categories, weights=weights)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            services.set_category_weights(rule=rule, weights=form.category_weights())
        messages.success(
            request,
            _("The scoring rules were saved. They apply when a period closes; recompute a period to apply them now."),
        )
        return redirect("scoring:rules")
    history = ScoringRule.history.filter(id=rule.pk).select_related("history_user").order_by("-history_date")[:HISTORY]
    return render(request, "scoring/rules.html", {"form": form, "history": history, "key_categories": categories})


@login_required
@require_http_methods(["GET", "POST"])
def bonuses(request):
    """加分: an admin grants bonus points with a reason; a scored period is rescored (a
    closed one refuses: it is frozen until reopened)."""
    require(can_edit_rules(request.user))
    form = BonusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bonus = services.grant_bonus(
                actor=request.user,
                period=data["period"],
                unit=data["unit"],
                points=data["points"],
                reason=data["reason"],
            )
        except PeriodClosedError as error:
            form.add_error("period", str(error))
        else:
            _rescore_if_scored(request, bonus.period)
            messages.success(
                request, _("%(points)s points granted to %(unit)s.") % {"points": bonus.points, "unit": bonus.unit}
            )
            return redirect("scoring:bonuses")
    items = BonusItem.objects.select_related("period", "unit", "granted_by", "revoked_by")[:100]
    return render(request, "scoring/bonuses.html", {"form": form, "items": items})


@login_required
@require_POST
def bonus_revoke(request, pk):
    require(can_edit_rules(request.user))
    bonus = get_object_or_404(BonusItem, pk=pk)
    try:
        revoked = services.revoke_bonus(actor=request.user, bonus_id=bonus.pk)
    except PeriodClosedError as error:
        messages.error(request, str(error))
        return redirect("scoring:bonuses")
    if revoked is None:
        messages.info(request, _("This bonus was already revoked."))
    else:
        _rescore_if_scored(request, bonus.period)
        messages.success(request, _("The bonus was revoked."))
    return redirect("scoring:bonuses")


def _rescore_if_scored(request, period: Period) -> None:
    if services.rescore_if_scored(period=period, actor=request.user):
        messages.info(request, _("The period's scores are being recomputed."))
