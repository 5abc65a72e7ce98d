from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import links
from core.pagecache import cached_page

from .models import Notification
from .services import mark_read

PAGE_SIZE = 30


@login_required
@cached_page
def notification_list(request):
    """通知: my notifications, newest first. Opening the list reads what it shows: those
    are marked read, and still marked "new" on this one page so the person sees which."""
    rows = Notification.objects.filter(recipient=request.user).only(
        "pk", "title", "body", "url", "created_at", "read_at", "kind"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # A link made earlier may no longer open (the post was handed on): shown as text then.
    opens = links.links_open_to(request.user, [note.url for note in page if note.url])
    for note in page:
        note.link = note.url if opens.get(note.url) else ""
    shown_unread = [note.pk for note in page if note.read_at is None]
    if shown_unread:
        mark_read(user=request.user, ids=shown_unread)
    return render(request, "notifications/list.html", {"page": page, "new": set(shown_unread)})


@login_required
@require_POST
def mark_all_read(request):
    done = mark_read(user=request.user)
    messages.success(request, _("%(n)d notifications marked as read.") % {"n": done})
    return redirect("notifications:list")
