from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import roles

from . import access, selectors, services
from .forms import BulkAssignForm, ChecklistFilterForm, LiaisonForm, PortfolioForm, leader_posts
from .models import Category, Checklist, Unit
from .permissions import can_manage, can_view_organization, require


@login_required
def home(request):
    """Each person lands on their own page (UX.md): secretaries on 我的责任, leaders and the
    supervisor on 总览, the admin too, with the organization's set-up tasks beside it."""
    role = roles.main_role(request.user)
    if role == roles.SECRETARY:
        for name in ("assessments:my_reports", "responsibilities:my_duties"):
            try:
                return redirect(reverse(name))
            except NoReverseMatch:
                continue
    if role in (roles.LEADER, roles.SUPERVISOR, roles.ADMIN):
        try:
            return redirect(reverse("dashboard:index"))
        except NoReverseMatch:
            pass
    # 三员分立: the security and audit administrators land on their own pages.
    if role == roles.SECURITY_ADMIN:
        return redirect(reverse("accounts:people"))
    if role == roles.AUDIT_ADMIN:
        return redirect(reverse("audit:security_log"))
    context = {"role": role}
    if role == roles.ADMIN:
        context["setup"] = selectors.setup_tasks()
    if role in (roles.LEADER, roles.SUPERVISOR):
        context["units"] = selectors.units_overseen(request.user)
    return render(request, "accounts/home.html", context)


def _checklist_or_404(request) -> Checklist:
    year = request.GET.get("year")
    if year:
        if not year.isdigit():
            raise Http404
        return get_object_or_404(Checklist, year=int(year))
    checklist = selectors.current_checklist()
    if checklist is None:
        raise Http404
    return checklist


@login_required
def checklist(request):
    """抓什么: the duties grouped by category, and who carries each (谁来抓)."""
    require(can_view_organization(request.user))
    current = _checklist_or_404(request)
    form = ChecklistFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    duties = list(selectors.duties_with_carriers(current, **{k: v for k, v in filters.items() if v}))
    groups: dict = {}
    for duty in duties:
        groups.setdefault(duty.category, []).append(duty)
    return render(
        request,
        "responsibilities/checklist.html",
        {
            "checklist": current,
            "checklists": Checklist.objects.order_by("-year"),
            "form": form,
            "groups": groups.items(),
            "duty_count": len(duties),
        },
    )


@login_required
def matrix(request):
    """Units × categories, each cell the number of assignments and a link to them."""
    require(can_view_organization(request.user))
    current = _checklist_or_404(request)
    return render(
        request,
        "responsibilities/matrix.html",
        {"checklist": current, "matrix": selectors.responsibility_matrix(current)},
    )


@login_required
def assignment_list(request):
    require(can_view_organization(request.user))
    current = _checklist_or_404(request)
    unit = category = None
    if request.GET.get("unit"):
        unit = get_object_or_404(Unit, code=request.GET["unit"])
    if request.GET.get("category"):
        category = get_object_or_404(Category, code=request.GET["category"])
    rows = selectors.assignments(checklist=current, unit=unit, category=category)
    return render(
        request,
        "responsibilities/assignment_list.html",
        {"checklist": current, "unit": unit, "category": category, "assignments": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulk_assign(request):
    """Choose duties and units, see what would happen, confirm: existing pairs are skipped."""
    require(can_manage(request.user))
    current = _checklist_or_404(request)
    form = BulkAssignForm(request.POST or None, checklist=current)
    plan = None
    if request.method == "POST" and form.is_valid():
        duties = form.cleaned_data["duties"]
        units = form.cleaned_data["target_units"]
        if request.POST.get("action") == "confirm":
            done = services.bulk_assign(duties=duties, units=units, user=request.user)
            messages.success(
                request,
                _("%(created)d assignments created; %(skipped)d already existed and were skipped.")
                % {"created": len(done.to_create), "skipped": len(done.already)},
            )
            if done.no_post:
                messages.warning(
                    request,
                    _("%(n)d pairs were not assigned because the unit has no post to carry the duty.")
                    % {"n": len(done.no_post)},
                )
            return redirect(f"{reverse('responsibilities:matrix')}?year={current.year}")
        plan = services.plan_bulk_assignment(duties=duties, units=units)
    return render(request, "responsibilities/bulk_assign.html", {"checklist": current, "form": form, "plan": plan})


@login_required
def units(request):
    """人员岗位: the tree, its posts and their holders."""
    require(can_view_organization(request.user))
    return render(request, "responsibilities/units.html", {"units": selectors.units_with_posts()})


@login_required
def my_duties(request):
    """A post holder's own duties (what my unit carries), until the report loop takes over."""
    mine = list(access.acting_units(request.user))
    require(bool(mine))
    current = selectors.current_checklist()
    rows = selectors.assignments(checklist=current, units=mine) if current else []
    return render(
        request, "responsibilities/my_duties.html", {"units": mine, "assignments": rows, "checklist": current}
    )


@login_required
@require_http_methods(["GET", "POST"])
def liaisons(request):
    """联系点与分管: each unit's liaison post with its history, and each leader post's 分管
    areas; the admin changes either, with the date a liaison starts (admins only)."""
    require(can_manage(request.user))
    action = request.POST.get("action") if request.method == "POST" else None
    liaison_form = LiaisonForm(request.POST if action == "liaison" else None)
    # Both forms have a "post" field: the second one's ids differ, so each label finds its field.
    portfolio_form = PortfolioForm(request.POST if action == "portfolio" else None, auto_id="portfolio_%s")
    status = 200
    if action == "liaison":
        if liaison_form.is_valid():
            data = liaison_form.cleaned_data
            try:
                services.set_liaison(unit=data["unit"], post=data["post"], since=data["since"])
            except ValueError as exc:
                liaison_form.add_error("since", str(exc))
            else:
                messages.success(
                    request,
                    _("From %(day)s the liaison of %(unit)s is %(post)s.")
                    % {"day": data["since"].isoformat(), "unit": data["unit"].label, "post": data["post"].title},
                )
                return redirect("responsibilities:liaisons")
        status = 400
    elif action == "portfolio":
        if portfolio_form.is_valid():
            post = portfolio_form.cleaned_data["post"]
            services.set_portfolio(post=post, portfolio=portfolio_form.cleaned_data["portfolio"])
            messages.success(request, _("The areas in charge of %(post)s are saved.") % {"post": post.title})
            return redirect("responsibilities:liaisons")
        status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "responsibilities/liaisons.html",
        {
            "units": selectors.liaison_history(),
            "posts": leader_posts(),
            "liaison_form": liaison_form,
            "portfolio_form": portfolio_form,
        },
        status=status,
    )
