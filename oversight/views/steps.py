"""What the pages of a rectification and of a notice share: the page itself, with its
timeline and files, and the steps posted from it (report done / reply; verify or send
back / close or press again). Each step is a service call; a refused one shows the page
again (400) with the form and its message, a done one says so and shows the page."""

from __future__ import annotations

from core.steps import item_page, step_on

__all__ = ["item_page", "settle", "step_on"]


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
