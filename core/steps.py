"""What the page of an item with a life (a rectification, a supervision notice, a 交办
task) shares: the page itself, with its timeline and files, and the steps posted from it
(report done / reply; verify, close or send back / return / press again). Each step is a service call; a refused
one shows the page again (400) with the form and its message, a done one says so and
shows the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .forms import attempt


def item_page(request, template: str, thing, *, status: int = 200, **context):
    """An item's page: its timeline (``thing.events``) and files (``thing.attachments``
    unless ``context`` names them), and ``context``. Both are read within the item's
    province (they lie in it: docs/scale.md 5), so the page stays on its shard."""
    province = thing.province_id
    context.setdefault("events", thing.events.filter(province=province).select_related("actor"))
    if "attachments" not in context:
        context["attachments"] = thing.attachments.filter(province=province).select_related("uploaded_by")
    return render(request, template, context, status=status)


def step_on(request, thing, form, step, done: str, *, page, form_key: str, url: str):
    """Run ``step(data)`` with ``form``'s data; done: ``done`` as a message and back to
    the item's page (``url``); refused: ``page`` again with ``form`` as ``form_key``."""
    if not attempt(form, step):
        return page(request, thing, status=400, **{form_key: form})
    messages.success(request, done)
    return redirect(url, thing.pk)


def answer(request, thing, form, service, done: str, *, key: dict, text: str = "reply", **page):
    """The unit answers the item — a reply, feedback, what was put right (``text``, the
    form's field and the service's argument) with its files — through ``service``;
    ``key`` names the item for the service (``{"task_id": 3}``)."""
    return step_on(
        request,
        thing,
        form,
        lambda data: service(**key, actor=request.user, uploads=data["files"], **{text: data[text]}),
        done,
        **page,
    )


def settle(request, thing, form, *, again: tuple, close: tuple, again_action: str, key: dict, **page):
    """The one who raised or issued the item settles it: ``close`` it — (service, message)
    — or, when the posted action is ``again_action``, send it ``again`` with a new
    deadline. ``key`` names the item for the services (``{"notice_id": 3}``)."""
    pressing = request.POST.get("action") == again_action
    service, done = again if pressing else close

    def step(data):
        given = {"comment": data["comment"], **({"deadline": data["deadline"]} if pressing else {})}
        return service(**key, actor=request.user, **given)

    return step_on(request, thing, form, step, done % {"unit": thing.unit.label}, **page)


@dataclass(frozen=True)
class ItemSteps:
    """The two steps posted from an issued item's page (a 交办 task, a 督办 notice, a
    rectification), as views: the unit's answer and the issuer's settling. ``fetch(user,
    pk, action=…)`` finds the item or answers 404/403; ``key`` names it for the services
    (``"task_id"``); ``page`` draws its page again (a refused step) and ``url`` names it.

        STEPS = ItemSteps(fetch=get_task_for, key="task_id", page=_detail, url="assessments:task")
        task_reply = STEPS.answer_view(TaskReplyForm, reply_to_task, done=lambda task: ...)
    """

    fetch: Callable
    key: str
    page: Callable
    url: str

    def keys(self, thing) -> dict:
        """How the services name the item: its id, and its province (read with it), which
        the step's lock names (docs/scale.md 5)."""
        return {self.key: thing.pk, "province_id": thing.province_id}

    def answer_view(
        self, form_class, service, *, done: Callable, text: str = "reply", action: str = "reply", form_key="reply_form"
    ):
        """The view of the unit's answer; ``done(item)`` is the message once it is given."""

        @login_required
        @require_POST
        def view(request, pk):
            thing = self.fetch(request.user, pk, action=action)
            form = form_class(request.POST, request.FILES)
            return answer(
                request, thing, form, service, done(thing), key=self.keys(thing), text=text,
                form_key=form_key, page=self.page, url=self.url,
            )  # fmt: skip

        return view

    def settle_view(
        self, form_class, *, again: tuple, close: tuple, again_action: str, action="settle", form_key="settle_form"
    ):
        """The view of the issuer's settling: ``close`` or, for ``again_action``, ``again``
        — each (service, message with %(unit)s)."""

        @login_required
        @require_POST
        def view(request, pk):
            thing = self.fetch(request.user, pk, action=action)
            return settle(
                request, thing, form_class(request.POST), again=again, close=close, again_action=again_action,
                key=self.keys(thing), form_key=form_key, page=self.page, url=self.url,
            )  # fmt: skip

        return view
