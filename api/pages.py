"""The administrator's page of personal API tokens: issue one (shown once), revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles

from . import services
from .forms import TokenForm
from .models import ApiToken

SHOWN = 200


def _require_admin(user) -> None:
    if not roles.is_admin(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    _require_admin(request.user)
    form = TokenForm(request.POST or None)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            issued = services.issue_token(user=data["user"], name=data["name"], days=data["days"], actor=request.user)
            form = TokenForm()
        else:
            status = 400
    items = ApiToken.objects.select_related("user", "created_by", "revoked_by")[:SHOWN]
    return render(request, "api/tokens.html", {"form": form, "issued": issued, "items": items}, status=status)


@login_required
@require_POST
def token_revoke(request, pk):
    _require_admin(request.user)
    token = get_object_or_404(ApiToken, pk=pk)
    services.revoke_token(token_id=token.pk, actor=request.user)
    messages.success(request, _("The token “%(name)s” was revoked; it no longer opens the API.") % {"name": token.name})
    return redirect("api_tokens:tokens")
