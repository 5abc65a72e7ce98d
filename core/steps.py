"""What the page of an item with a life (a rectification, a supervision notice, a 交办
task) shares: the page itself, with its timeline and files, and the steps posted from it
(report done / reply; verify, close or send back). Each step is a service call; a refused
one shows the page again (400) with the form and its message, a done one says so and
shows the page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from .forms import attempt


def item_page(request, template: str, thing, *, status: int = 200, **context):
    """An item's page: its timeline (``thing.events``) and files (``thing.attachments``
    unless ``context`` names them), and ``context``."""
    context.setdefault("events", thing.events.select_related("actor"))
    if "attachments" not in context:
        context["attachments"] = thing.attachments.select_related("uploaded_by")
    return render(request, template, context, status=status)


def step_on(request, thing, form, step, done: str, *, page, form_key: str, url: str):
    """Run ``step(data)`` with ``form``'s data; done: ``done`` as a message and back to
    the item's page (``url``); refused: ``page`` again with ``form`` as ``form_key``."""
    if not attempt(form, step):
        return page(request, thing, status=400, **{form_key: form})
    messages.success(request, done)
    return redirect(url, thing.pk)
