"""Posts from the organization's directory: ``sync_directory`` (command and, when an admin
enables it, the scheduled job) reads every person's entry (accounts.directory) and puts
them into the posts the configured mapping names:

- the unit is the one whose name (or code) is the entry's ``MINGZE_DIRECTORY_UNIT_ATTR``
  attribute (default ``ou``, the department);
- the post is that unit's post whose title is the entry's ``MINGZE_DIRECTORY_POST_ATTR``
  attribute (default ``title``), translated by ``MINGZE_DIRECTORY_TITLES`` where the
  directory's wording differs from Mingze's.

People who left the directory, or whose entry is disabled, are flagged (``left_directory_at``,
account inactive) and their posts marked vacant — the tenure is closed, nothing is deleted,
so the history of who was responsible stays. A dry run only lists what would change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Post, Unit
from .services import set_post_holder, vacate_post


@dataclass
class SyncPlan:
    """What a sync found to change, as lines for a person to read, and the work to do."""

    lines: list[str] = field(default_factory=list)
    actions: list = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def add(self, line: str, action) -> None:
        self.lines.append(line)
        self.actions.append(action)


def _mapping():
    return (
        getattr(settings, "MINGZE_DIRECTORY_UNIT_ATTR", "ou").lower(),
        getattr(settings, "MINGZE_DIRECTORY_UNIT_FIELD", "name"),
        getattr(settings, "MINGZE_DIRECTORY_POST_ATTR", "title").lower(),
        getattr(settings, "MINGZE_DIRECTORY_TITLES", {}) or {},
    )


def plan_sync(entries) -> SyncPlan:
    """Compare the directory's ``entries`` with Mingze's accounts and posts."""
    User = get_user_model()
    unit_attr, unit_field, post_attr, titles = _mapping()
    plan = SyncPlan()
    users = {user.username: user for user in User.objects.all()}
    units = {getattr(unit, unit_field): unit for unit in Unit.objects.filter(active=True)}
    posts = {(post.unit_id, post.title): post for post in Post.objects.filter(active=True).select_related("holder")}
    present = set()
    for entry in sorted(entries, key=lambda e: e.username):
        if entry.disabled:
            continue
        present.add(entry.username)
        user = users.get(entry.username)
        values = {
            "full_name": entry.full_name,
            "email": entry.email,
            "department": entry.department,
            "directory_dn": entry.dn,
        }
        if user is None:
            plan.add(
                _("new account %(username)s (%(name)s, %(department)s)")
                % {"username": entry.username, "name": entry.full_name, "department": entry.department},
                ("create", entry.username, values),
            )
        else:
            changed = {key: value for key, value in values.items() if getattr(user, key) != value}
            if user.left_directory_at is not None or not user.is_active:
                changed.update(left_directory_at=None, is_active=True)
            if changed:
                plan.add(
                    _("update account %(username)s: %(fields)s")
                    % {"username": entry.username, "fields": ", ".join(sorted(changed))},
                    ("update", entry.username, changed),
                )
        unit = units.get(entry.attributes.get(unit_attr, ""))
        raw_title = entry.attributes.get(post_attr, "")
        post = posts.get((unit.pk, titles.get(raw_title, raw_title))) if unit is not None else None
        if post is None:
            if raw_title:
                plan.unmatched.append(f"{entry.username}: {entry.attributes.get(unit_attr, '')} {raw_title}")
            continue
        if post.holder is None or post.holder.username != entry.username:
            plan.add(
                _("%(username)s takes the post %(post)s (was: %(holder)s)")
                % {"username": entry.username, "post": post, "holder": post.holder or _("vacant")},
                ("hold", entry.username, post.pk),
            )
    for user in sorted(users.values(), key=lambda u: u.username):
        if not user.directory_dn or user.username in present:
            continue
        if user.left_directory_at is None:
            plan.add(
                _("%(username)s has left the directory: account flagged") % {"username": user.username},
                ("left", user.username, None),
            )
        for post in (p for p in posts.values() if p.holder_id == user.pk):
            plan.add(
                _("post %(post)s becomes vacant (%(username)s left)") % {"post": post, "username": user.username},
                ("vacate", user.username, post.pk),
            )
    return plan


@transaction.atomic
def apply_sync(plan: SyncPlan) -> None:
    User = get_user_model()
    now = timezone.now()
    for kind, username, payload in plan.actions:
        if kind == "create":
            user = User(username=username, **payload)
            user.set_unusable_password()
            user.save()
        elif kind == "update":
            User.objects.filter(username=username).update(**payload)
        elif kind == "hold":
            set_post_holder(post=Post.objects.get(pk=payload), person=User.objects.get(username=username))
        elif kind == "left":
            User.objects.filter(username=username).update(left_directory_at=now, is_active=False)
        elif kind == "vacate":
            vacate_post(post=Post.objects.get(pk=payload))


def sync_directory(*, dry_run: bool = False) -> SyncPlan:
    """Read the directory and (unless ``dry_run``) make Mingze's accounts and posts follow it."""
    from accounts.directory import read_entries

    plan = plan_sync(read_entries())
    if not dry_run:
        apply_sync(plan)
    return plan
