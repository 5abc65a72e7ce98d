"""评先评优 pages: the admin's rounds, the 公示 notice everyone in scope reads (and prints),
and the year-end summary export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import TransitionError
from core.forms import attempt
from dashboard.models import Export
from dashboard.permissions import scope_for
from dashboard.views import export_download

from . import permissions, selectors, services
from .forms import AddForm, DecideForm, ObjectionForm, PublicizeForm, RoundForm, WithdrawForm, YearEndForm
from .models import HonourRound
from .permissions import require

State = HonourRound.State


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request):
    """评先评优: the rounds, newest first, and a new one."""
    require(permissions.can_manage(request.user))
    year = timezone.localdate().year
    form = RoundForm(
        request.POST or None,
        initial={
            "year": year,
            "title": _("%(year)s honours") % {"year": year},
            "kinds": ["advanced_branch", "party_worker"],
        },
    )
    if request.method == "POST":
        made = attempt(
            form,
            lambda data: services.create_round(
                year=data["year"],
                title=data["title"],
                kinds=data["kinds"],
                actor=request.user,
                organization=data.get("organization"),
            ),
        )
        if made is not None:
            messages.success(request, _("Round created: draw the nominations from the ranking and the appraisal."))
            return redirect("honours:round", made.pk)
    status = 400 if request.method == "POST" else 200
    rounds = selectors.rounds()
    several = len({r.organization_id for r in rounds}) > 1  # then each names its organization
    return render(request, "honours/rounds.html", {"rounds": rounds, "form": form, "several": several}, status=status)


def _round_page(request, round, **forms):
    nominations = selectors.nominations(round)
    kept = [n for n in nominations if not n.withdrawn]
    context = {
        "round": round,
        "nominations": nominations,
        "objections": selectors.objections(round),
        "events": selectors.events(round),
        "add_form": forms.get("add_form") or AddForm(prefix="add", round=round),
        "withdraw_form": forms.get("withdraw_form"),
        "publicize_form": forms.get("publicize_form") or PublicizeForm(prefix="pub"),
        "objection_form": forms.get("objection_form") or ObjectionForm(prefix="obj", nominations=kept),
        "decide_form": forms.get("decide_form") or DecideForm(prefix="dec"),
        "can_change_list": round.state in (State.NOMINATING, State.PUBLICITY),
    }
    status = 400 if any(f is not None and f.errors for f in forms.values()) else 200
    return render(request, "honours/round.html", context, status=status)


@login_required
def round_detail(request, pk):
    round = permissions.managed_round(request.user, pk)
    return _round_page(request, round)


@login_required
@require_POST
def round_action(request, pk, action):
    """One step of the round, from the round's page: draw, add, withdraw, publicize,
    objection, decide. A refused step shows its reason beside the form (400)."""
    round = permissions.managed_round(request.user, pk)
    actor = request.user
    key = {"round_id": round.pk, "province_id": round.province_id}  # the step's lock names the province
    if action == "draw":
        made = attempt_bare(request, lambda: services.draw_nominations(**key, actor=actor))
        if made is not None:
            messages.success(request, _("%(n)s nominations drawn.") % {"n": len(made)})
        return redirect("honours:round", round.pk)
    if action == "add":
        form = AddForm(request.POST, prefix="add", round=round)
        done = attempt(
            form,
            lambda d: services.add_nomination(
                **key,
                actor=actor,
                kind=d["kind"],
                unit_id=d["unit"].pk,
                person_id=d["person"].pk if d["person"] else None,
                reason=d["reason"],
            ),
        )
        if done is None:
            return _round_page(request, round, add_form=form)
        messages.success(request, _("Nomination added: %(who)s.") % {"who": done.nominee})
    elif action == "withdraw":
        form = WithdrawForm(request.POST, prefix="wd")
        done = attempt(
            form,
            lambda d: services.withdraw_nomination(
                **key, nomination_id=d["nomination"], actor=actor, reason=d["reason"]
            ),
        )
        if done is None:
            return _round_page(request, round, withdraw_form=form)
        messages.success(request, _("Nomination withdrawn: %(who)s.") % {"who": done.nominee})
    elif action == "publicize":
        form = PublicizeForm(request.POST, prefix="pub")
        done = attempt(
            form,
            lambda d: services.publicize(**key, actor=actor, starts_on=d["starts_on"], ends_on=d["ends_on"]),
        )
        if done is None:
            return _round_page(request, round, publicize_form=form)
        messages.success(request, _("The public notice is open to everyone in the organization."))
    elif action == "objection":
        kept = [n for n in selectors.nominations(round) if not n.withdrawn]
        form = ObjectionForm(request.POST, prefix="obj", nominations=kept)
        done = attempt(
            form,
            lambda d: services.note_objection(
                **key, nomination_id=d["nomination"], actor=actor, text=d["text"], handling=d["handling"]
            ),
        )
        if done is None:
            return _round_page(request, round, objection_form=form)
        messages.success(request, _("Objection noted."))
    elif action == "decide":
        form = DecideForm(request.POST, prefix="dec")
        done = attempt(
            form,
            lambda d: services.decide(
                **key, actor=actor, decided_on=d["decided_on"], document_number=d["document_number"]
            ),
        )
        if done is None:
            return _round_page(request, round, decide_form=form)
        messages.success(request, _("%(n)s honours conferred.") % {"n": len(done)})
    else:
        raise Http404
    return redirect("honours:round", round.pk)


def attempt_bare(request, step):
    """A step with no form (a bare button): a refusal is a message on the next page."""
    try:
        return step()
    except TransitionError as error:
        messages.error(request, str(error))
        return None


@login_required
def notice(request, pk):
    """公示: the nominations of a round, readable by everyone in scope, with objections'
    address and dates; ``print`` lays it out alone for A4."""
    round = permissions.round_for_notice(request.user, pk)
    nominations = [n for n in selectors.nominations(round) if not n.withdrawn]
    template = "honours/notice_print.html" if "print" in request.GET else "honours/notice.html"
    return render(request, template, {"round": round, "nominations": nominations})


@login_required
@require_http_methods(["GET", "POST"])
def year_end(request):
    """The year-end summary per unit, for the subtree the reader's dashboard covers."""
    scope = scope_for(request.user, request.GET.get("unit") or request.POST.get("unit"))
    root = None if scope.covers_all or scope.root is None else scope.root
    data = request.POST if request.method == "POST" else (request.GET if "year" in request.GET else None)
    form = YearEndForm(data, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        services.request_year_end(user=request.user, year=form.cleaned_data["year"], unit=root)
        messages.success(request, _("The summary is being built; it will also appear under notifications."))
        url = request.path + f"?year={form.cleaned_data['year']}" + (f"&unit={root.pk}" if root else "")
        return redirect(url)
    exports = list(
        Export.objects.filter(kind=Export.Kind.YEAR_END, unit=root, requested_by=request.user).order_by("-created_at")[
            :10
        ]
    )
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "root": root, "exports": exports, "running": any(e.is_active for e in exports)}
    return render(request, "honours/year_end.html", context, status=status)


# The summary is one of the dashboard's exports: handed out (and logged) as they are, to
# whoever's scope covers its subtree, 404 to anyone else.
year_end_download = export_download


@login_required
def my_honours(request):
    """The honours conferred on me (the person's side of the unit's page)."""
    return render(request, "honours/mine.html", {"honours": selectors.honours_of_person(request.user)})
