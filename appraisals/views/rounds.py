"""The admin's side of a round: list, set-up, participants, open / close / publish, results."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import TransitionError

from .. import permissions, selectors, services
from ..exports import results_workbook_response
from ..forms import CriterionFormSet, LevelFormSet, NewRoundForm, ParticipantsForm, RoundForm
from ..models import AppraisalRound, RaterRole
from ..permissions import require

State = AppraisalRound.State


@login_required
def rounds(request):
    """述职评议: every round with its state and turnout."""
    require(permissions.sees_all_rounds(request.user))
    rounds = list(selectors.rounds_with_counts())
    return render(
        request,
        "appraisals/rounds.html",
        {
            "rounds": rounds,
            "can_manage": permissions.can_manage(request.user),
            "several": len({r.organization_id for r in rounds}) > 1,  # then each names its organization
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request):
    require(permissions.can_manage(request.user))
    form = NewRoundForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        year, title = data.pop("year"), data.pop("title")
        data.setdefault("organization", None)
        try:
            made = services.create_round(year=year, actor=request.user, title=title, **data)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The round is a draft: check the criteria, the scale and the raters, then open it.")
            )
            return redirect("appraisals:round", made.pk)
    return render(request, "appraisals/round_new.html", {"form": form})


def _round(request, pk) -> AppraisalRound:
    round = permissions.get_round_for(request.user, pk)
    require(permissions.sees_all_rounds(request.user))
    return round


def draft_only(view):
    """For the admin's set-up pages: the view gets the round while it is a draft; once it
    has opened, the admin is sent back to the round's page with a message."""

    @wraps(view)
    def wrapped(request, pk):
        round = _round(request, pk)
        require(permissions.can_manage(request.user))
        if round.state != State.DRAFT:
            messages.error(request, services.FROZEN)
            return redirect("appraisals:round", round.pk)
        return view(request, round)

    return wrapped


@login_required
def round_detail(request, pk):
    round = _round(request, pk)
    round = selectors.round_with_counts(round)
    manage = permissions.can_manage(request.user)
    grouped = selectors.raters_by_role(round) if manage else {}
    context = {
        "round": round,
        "criteria": list(round.criteria.filter(province=round.province_id)),
        "levels": list(round.levels.filter(province=round.province_id)),
        "appraisees": selectors.appraisees_of(round),
        "can_manage": manage,
        "can_view_results": permissions.can_view_results(request.user, round),
        "raters": [(label, grouped.get(role, [])) for role, label in RaterRole.choices] if manage else None,
        "problems": services.problems(round) if manage and round.state == State.DRAFT else [],
    }
    if round.state == State.OPEN and permissions.is_rater(request.user, round):
        context["may_rate"] = not services.has_voted(
            round_id=round.pk, user=request.user, province_id=round.province_id
        )
    return render(request, "appraisals/round.html", context)


def _initial_rows(queryset, fields):
    return [{name: getattr(obj, name) for name in fields} for obj in queryset]


@login_required
@require_http_methods(["GET", "POST"])
@draft_only
def round_edit(request, round):
    """Settings, criteria and grade scale of a draft round, on one page."""
    data = request.POST or None
    form = RoundForm(data, instance=round)
    criteria = CriterionFormSet(
        data, prefix="criteria", initial=_initial_rows(round.criteria.all(), ["name", "description", "weight"])
    )
    levels = LevelFormSet(
        data, prefix="levels", initial=_initial_rows(round.levels.all(), ["name", "points", "min_score"])
    )
    if request.method == "POST" and form.is_valid() and criteria.is_valid() and levels.is_valid():
        settings = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.configure_round(
                round_id=round.pk,
                actor=request.user,
                settings=settings,
                criteria=criteria.rows(),
                levels=levels.rows(),
                province_id=round.province_id,
            )
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The round's settings were saved."))
            return redirect("appraisals:round", round.pk)
    return render(
        request, "appraisals/round_edit.html", {"round": round, "form": form, "criteria": criteria, "levels": levels}
    )


@login_required
@require_http_methods(["GET", "POST"])
@draft_only
def round_participants(request, round):
    initial = {"posts": list(round.appraisees.values_list("post_id", flat=True))}
    for role in RaterRole.values:
        initial[role] = list(round.raters.filter(role=role).values_list("person_id", flat=True))
    form = ParticipantsForm(request.POST or None, initial=initial, organization=round.organization)
    if request.method == "POST" and request.POST.get("action") == "defaults":
        posts = list(services.secretary_posts(round.organization))
        raters = services.default_raters(sample_size=round.peer_sample_size, organization=round.organization)
        services.set_participants(
            round_id=round.pk, actor=request.user, posts=posts, raters=raters, province_id=round.province_id
        )
        messages.success(request, _("Every secretary is appraised again, and a new sample of secretaries was drawn."))
        return redirect("appraisals:participants", round.pk)
    if request.method == "POST" and form.is_valid():
        services.set_participants(
            round_id=round.pk,
            actor=request.user,
            posts=form.cleaned_data["posts"],
            raters=form.raters(),
            province_id=round.province_id,
        )
        messages.success(request, _("Who is appraised and who rates was saved."))
        return redirect("appraisals:round", round.pk)
    return render(request, "appraisals/participants.html", {"round": round, "form": form})


TRANSITIONS = {
    "open": (services.open_round, _("The round is open: secretaries and raters have been told.")),
    "close": (services.close_round, _("The round is closed and its results computed. Check them, then publish.")),
    "publish": (services.publish_round, _("The results are published: each secretary can now see their own.")),
}


@login_required
@require_POST
def round_transition(request, pk, action):
    round = _round(request, pk)
    require(permissions.can_manage(request.user))
    if action not in TRANSITIONS:
        raise Http404
    service, done = TRANSITIONS[action]
    try:
        service(round_id=round.pk, actor=request.user, province_id=round.province_id)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("appraisals:round", round.pk)


@login_required
def results(request, pk):
    """The ranking with each criterion's score, the grade and the ballots counted."""
    round = _round(request, pk)
    require(permissions.can_view_results(request.user, round))
    return render(
        request,
        "appraisals/results.html",
        {
            "round": round,
            "criteria": list(round.criteria.all()),
            "rows": selectors.results_table(round),
            "can_manage": permissions.can_manage(request.user),
        },
    )


@login_required
def results_export(request, pk):
    round = _round(request, pk)
    require(permissions.can_view_results(request.user, round))
    return results_workbook_response(round, list(round.criteria.all()), selectors.results_table(round))
