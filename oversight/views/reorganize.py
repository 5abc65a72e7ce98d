"""撤并与分设: the admin merges a unit into another or splits it into several; the page
lists the changes recorded, each with what it moved."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.forms import attempt
from responsibilities.models import Succession, Unit

from .. import reorganization


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.label} ({obj.code} · {obj.get_kind_display()})"


def open_units():
    return Unit.objects.filter(active=True).order_by("path")


class MergeForm(forms.Form):
    unit = UnitField(label=gettext_lazy("Unit to merge"), queryset=open_units())
    into = UnitField(label=gettext_lazy("Merge into"), queryset=open_units())
    on = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("unit") and data.get("into") and data["unit"].pk == data["into"].pk:
            self.add_error("into", _("Choose another unit to merge into."))
        return data


class SplitForm(forms.Form):
    unit = UnitField(label=gettext_lazy("Unit to split"), queryset=open_units())
    parts = forms.CharField(
        label=gettext_lazy("New units"),
        help_text=gettext_lazy("One a line: code, a space, name. The first one carries on the open items."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    on = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)

    def clean_parts(self):
        parts = []
        for line in self.cleaned_data["parts"].splitlines():
            if not line.strip():
                continue
            code, _sep, name = line.strip().partition(" ")
            name = name.strip()
            if not name or len(code) > 32 or len(name) > 100:
                raise forms.ValidationError(
                    _("Write each new unit as its code, a space and its name (code at most 32 characters).")
                )
            parts.append(reorganization.Part(code=code, name=name))
        if len(parts) < 2:
            raise forms.ValidationError(_("A split makes at least two units."))
        return parts


@login_required
@require_http_methods(["GET", "POST"])
def reorganize(request):
    """Admins only (others 403)."""
    if not reorganization.may_reorganize(request.user):
        raise PermissionDenied
    action = request.POST.get("action") if request.method == "POST" else None
    merge_form = MergeForm(request.POST if action == "merge" else None, auto_id="merge_%s")
    split_form = SplitForm(request.POST if action == "split" else None, auto_id="split_%s")
    status = 200
    if action == "merge":
        done = attempt(
            merge_form,
            lambda d: reorganization.merge(
                unit=d["unit"], into=d["into"], on=d["on"], reason=d["reason"], actor=request.user
            ),
        )
        if done is not None:
            succession, moved = done
            messages.success(request, _moved_message(succession.predecessor, [succession.successor], moved))
            return redirect("oversight:reorganize")
        status = 400
    elif action == "split":
        done = attempt(
            split_form,
            lambda d: reorganization.split(
                unit=d["unit"], parts=d["parts"], on=d["on"], reason=d["reason"], actor=request.user
            ),
        )
        if done is not None:
            successions, moved = done
            messages.success(
                request, _moved_message(successions[0].predecessor, [s.successor for s in successions], moved)
            )
            return redirect("oversight:reorganize")
        status = 400
    elif request.method == "POST":
        status = 400
    recorded = Succession.objects.select_related("predecessor", "successor", "by").order_by("-at", "-id")[:30]
    return render(
        request,
        "oversight/reorganize.html",
        {"merge_form": merge_form, "split_form": split_form, "successions": recorded},
        status=status,
    )


def _moved_message(unit, successors, moved) -> str:
    return _(
        "%(unit)s is closed; %(successors)s carry on. Moved: %(reports)d reports, %(rectifications)d "
        "rectifications, %(notices)d notices; %(kept)d reports stay with the old unit."
    ) % {
        "unit": unit.name,
        "successors": "、".join(s.name for s in successors),
        "reports": len(moved.reports),
        "rectifications": len(moved.rectifications),
        "notices": len(moved.notices),
        "kept": len(moved.kept),
    }
