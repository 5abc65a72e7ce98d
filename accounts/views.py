from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from responsibilities import selectors

from . import roles


@login_required
def home(request):
    """Each person lands on their own page (UX.md): secretaries on 我的责任, others on 总览."""
    role = roles.main_role(request.user)
    if role == roles.SECRETARY:
        for name in ("assessments:my_reports", "responsibilities:my_duties"):
            try:
                return redirect(reverse(name))
            except NoReverseMatch:
                continue
    if role in (roles.LEADER, roles.SUPERVISOR):
        try:
            return redirect(reverse("dashboard:index"))
        except NoReverseMatch:
            pass
    context = {"role": role}
    if role == roles.ADMIN:
        context["setup"] = selectors.setup_tasks()
    if role in (roles.LEADER, roles.SUPERVISOR):
        context["units"] = selectors.units_overseen(request.user)
    return render(request, "accounts/home.html", context)
