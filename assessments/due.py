"""When each report of a period falls due (时间节点): the duty's due window applied to the
period's dates.

A half-year duty is due on the period's due date (每半年听取一次党建工作汇报, 一、三). An
annual duty with its own date reports once a year, in the second half's period, due on
the first such date on or after the period opens (个人有关事项 by 31 March, 民主生活会 by
the end of February: of the year after the one reported on). A quarterly duty makes one
report per quarter of the half; the half's last quarter is due with the period, an earlier
one as long after its quarter's end as the period's due date is after the half's end
(with the default dates: 10 April, 10 July; 10 October, 10 January).
"""

from __future__ import annotations

import calendar
import datetime

from responsibilities.models import DueWindow

from .models import Half, Period

WHOLE_HALF = 0  # ``Report.quarter`` of a report that covers the whole half


def _on(year: int, month: int, day: int) -> datetime.date:
    """(year, month, day), a day past the month's end meaning its last day (2-31 → 2-28/29)."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def quarters_of(half: int) -> tuple[int, int]:
    return (1, 2) if half == Half.FIRST else (3, 4)


def quarter_end(year: int, quarter: int) -> datetime.date:
    return _on(year, quarter * 3, 31)


def due_dates(period: Period, window: str, month: int | None, day: int | None) -> list[tuple[int, datetime.date]]:
    """(quarter, due date) of each report a duty with this due window makes in ``period``;
    quarter 0 is the whole half."""
    if window == DueWindow.QUARTERLY:
        last = quarters_of(period.half)[-1]
        after = period.due_on - quarter_end(period.year, last)
        return [
            (q, period.due_on if q == last else quarter_end(period.year, q) + after) for q in quarters_of(period.half)
        ]
    if window == DueWindow.ANNUAL and month and day:
        due = _on(period.year, month, day)
        if due < period.opens_on:
            due = _on(period.year + 1, month, day)
        return [(WHOLE_HALF, due)]
    return [(WHOLE_HALF, period.due_on)]
