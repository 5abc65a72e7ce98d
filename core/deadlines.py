"""The warning a deadline gives (预警): red once it has passed, yellow when few days are
left, blue before — the same rule for reports, rectifications, notices and 交办 tasks
(DESIGN.md, 预警), derived and never stored."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Warning(models.TextChoices):
    BLUE = "blue", _("Blue notice")
    YELLOW = "yellow", _("Yellow warning")
    RED = "red", _("Red warning")


def deadline_warning(deadline: datetime.date, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    if today > deadline:
        return Warning.RED
    if (deadline - today).days < settings.MINGZE_YELLOW_DAYS:
        return Warning.YELLOW
    return Warning.BLUE


class DeadlineMixin:
    """An item whose ``deadline`` binds while its ``state`` is ``WAITING`` (the unit's turn:
    a rectification being rectified, a notice or task awaiting the reply)."""

    WAITING = "issued"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Overdue: still waiting on the unit after the deadline."""
        today = today or timezone.localdate()
        return self.state == self.WAITING and today > self.deadline

    def warning(self, today: datetime.date | None = None) -> str | None:
        return deadline_warning(self.deadline, today) if self.state == self.WAITING else None
