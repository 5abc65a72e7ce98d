"""The sign-in's second factor, and the 安全管理员's pages: accounts, their roles and
passwords, and lifting lock-outs (三员分立, accounts/roles.py)."""

from __future__ import annotations

from urllib.parse import quote

from axes.utils import reset
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles, two_factor
from .models import SecurityEvent
from .security import record

User = get_user_model()


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


@login_required
def set_up_two_factor(request):
    """Set up an authenticator (an administrator must before anything else)."""
    user = request.user
    device = two_factor.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        if device.verify_token(token):
            with transaction.atomic():
                codes = two_factor.confirm(user, device)
                otp_login(request, device)
                request.session[two_factor.NEEDS] = "verify"
                record(SecurityEvent.Kind.SECOND_FACTOR_SET_UP, user=user, request=request)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
        record(SecurityEvent.Kind.SECOND_FACTOR_FAILED, user=user, request=request, detail="set-up")
        form.add_error("token", _("That code is not right. Check the time on your phone and try the newest code."))
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "device": device,
            "key": _spaced(device.bin_key),
            "confirmed": confirmed,
            "required": two_factor.required_for(user),
            "recovery_left": two_factor.remaining_recovery_codes(user) if confirmed else None,
            "next": _next(request),
        },
        status=400 if form.errors else 200,
    )


def _spaced(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def two_factor_verify(request):
    """The code from the authenticator, or a recovery code, after the password."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            record(SecurityEvent.Kind.SECOND_FACTOR, user=request.user, request=request, detail=device.name)
            return redirect(_next(request))
        record(SecurityEvent.Kind.SECOND_FACTOR_FAILED, user=request.user, request=request)
        form.add_error("token", _("That code is not right. Try the newest code, or a recovery code."))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


# ---- the 安全管理员's pages ---------------------------------------------------------------


def _require_security_admin(user) -> None:
    if not roles.is_security_admin(user):
        raise PermissionDenied


@login_required
def people(request):
    """Every account, with its roles, second factor and lock-out, searchable."""
    _require_security_admin(request.user)
    from axes.models import AccessAttempt

    query = (request.GET.get("q") or "").strip()[:100]
    accounts = User.objects.order_by("username").prefetch_related("groups")
    if query:
        accounts = accounts.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    names = [person.username for person in page]
    locked = set(
        AccessAttempt.objects.filter(username__in=names, failures_since_start__gte=_limit()).values_list(
            "username", flat=True
        )
    )
    with_factor = set(TOTPDevice.objects.filter(user__in=list(page), confirmed=True).values_list("user_id", flat=True))
    rows = [
        {
            "person": person,
            "roles": [roles.ROLES[g.name] for g in person.groups.all() if g.name in roles.ROLES],
            "locked": person.username in locked,
            "two_factor": person.pk in with_factor,
        }
        for person in page
    ]
    search = f"q={quote(query)}" if query else ""
    return render(request, "accounts/people.html", {"page": page, "rows": rows, "query": query, "search": search})


def _limit() -> int:
    from django.conf import settings

    return settings.AXES_FAILURE_LIMIT


class PersonForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=list(roles.ROLES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=gettext_lazy("May sign in"), required=False)


@login_required
def person(request, pk):
    """One account: its roles and whether it may sign in; a new password; lifting a lock-out."""
    _require_security_admin(request.user)
    account = get_object_or_404(User, pk=pk)
    current = sorted(set(account.groups.values_list("name", flat=True)) & set(roles.ROLES))
    form = PersonForm(request.POST or None, initial={"roles": current, "is_active": account.is_active})
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "accounts/person.html", {"account": account, "form": form}, status=400)
        if account == request.user and roles.SECURITY_ADMIN not in form.cleaned_data["roles"]:
            form.add_error("roles", _("You cannot take the security administrator's role from yourself."))
            return render(request, "accounts/person.html", {"account": account, "form": form}, status=400)
        wanted = set(form.cleaned_data["roles"])
        with transaction.atomic():
            groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}
            for name in roles.ROLES:
                group = groups.get(name) or Group.objects.get_or_create(name=name)[0]
                if name in wanted and name not in current:
                    account.groups.add(group)
                elif name not in wanted and name in current:
                    account.groups.remove(group)
            if account.is_active != form.cleaned_data["is_active"]:
                account.is_active = form.cleaned_data["is_active"]
                account.save(update_fields=["is_active"])
            record(
                SecurityEvent.Kind.ACCOUNT_CHANGED,
                user=account,
                request=request,
                detail=f"roles={','.join(sorted(wanted))} active={account.is_active}",
            )
        messages.success(request, _("The account was saved."))
        return redirect("accounts:person", pk=account.pk)
    return render(
        request, "accounts/person.html", {"account": account, "form": form, "password_form": SetPasswordForm(account)}
    )


@login_required
@require_POST
def person_password(request, pk):
    """Give the account a new password (the person changes it at their next sign-in)."""
    _require_security_admin(request.user)
    account = get_object_or_404(User, pk=pk)
    if account.directory_dn:
        messages.error(request, _("This account signs in with the directory; its password is kept there."))
        return redirect("accounts:person", pk=account.pk)
    form = SetPasswordForm(account, request.POST)
    if not form.is_valid():
        context = {"account": account, "form": PersonForm(initial={}), "password_form": form}
        return render(request, "accounts/person.html", context, status=400)
    with transaction.atomic():
        form.save()
        record(SecurityEvent.Kind.ACCOUNT_CHANGED, user=account, request=request, detail="password set")
    messages.success(request, _("The new password was set. Give it to the person to change at once."))
    return redirect("accounts:person", pk=account.pk)


@login_required
@require_POST
def person_unlock(request, pk):
    """Lift the lock-out axes put on the account after too many failed sign-ins."""
    _require_security_admin(request.user)
    account = get_object_or_404(User, pk=pk)
    reset(username=account.username)
    record(SecurityEvent.Kind.UNLOCKED, user=account, request=request)
    messages.success(request, _("The lock-out was lifted."))
    return redirect("accounts:person", pk=account.pk)
