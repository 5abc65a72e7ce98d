"""交接: the admin hands a post over; the record lists what the newcomer inherits."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core import provinces
from core.forms import attempt
from responsibilities.models import Post

from .. import handovers
from ..models import Handover


class PostField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        holder = obj.holder.display_name if obj.holder else gettext_lazy("vacant")
        return f"{obj.unit.label} · {obj.title} ({holder})"


class HandoverForm(forms.Form):
    post = PostField(
        label=gettext_lazy("Post"),
        queryset=Post.objects.filter(active=True).select_related("unit", "holder").order_by("unit__path", "kind"),
    )
    incoming = forms.ModelChoiceField(
        label=gettext_lazy("Incoming holder"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
    )
    since = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def handover_list(request):
    """The handovers recorded, each with what it passed on, and the form for a new one."""
    if not handovers.may_record(request.user):
        raise PermissionDenied
    form = HandoverForm(request.POST or None)
    status = 200
    if request.method == "POST":
        made = attempt(
            form,
            lambda data: handovers.hand_over(
                post=data["post"],
                incoming=data["incoming"],
                since=data["since"],
                actor=request.user,
                note=data["note"],
            ),
        )
        if made is not None:
            messages.success(
                request,
                _("Handed over; %(n)d open reports passed to %(name)s.")
                % {"n": made.reports.count(), "name": made.incoming.display_name},
            )
            return redirect("oversight:handovers")
        status = 400
    recorded = (
        Handover.objects.filter(provinces.joined("post"))  # within its province (docs/scale.md 5)
        .select_related("post__unit", "outgoing", "incoming")
        .prefetch_related("reports__assignment__duty", "rectifications", "notices")[:20]
    )
    return render(request, "oversight/handovers.html", {"form": form, "handovers": recorded}, status=status)
