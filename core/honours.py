"""The honours a Party organization has conferred (先进党支部, 优秀党务工作者…), as the apps
below the honours app read them: a unit's page, the half-year hearing pack.

The honours app sits above the dashboard in the layers (it draws its nominations from the
ranking), so the pages and the pack below it cannot import it. It registers its reader
here from its ``AppConfig.ready()``; the kernel only dispatches and knows no app. With no
reader registered (the app not installed), nobody has an honour.

    from core import honours
    by_unit = honours.honours_for([unit_a, unit_b], year=2026)   # {unit_id: [Conferred, ...]}
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Conferred:
    """One honour as a page or a pack shows it."""

    unit_id: int
    year: int
    kind: str  # the honours app's HonourKind value ("advanced_branch", …)
    label: str  # the kind in the reader's language (先进党支部)
    unit_label: str
    person_name: str  # empty for an honour of the unit itself
    person_id: int | None
    conferred_on: datetime.date
    document_number: str  # 文号 of the decision


Reader = Callable[[Iterable, int | None], dict[int, list[Conferred]]]
_READERS: list[Reader] = []


def register(reader: Reader) -> None:
    """Install ``reader(units, year)`` (registering again replaces it, so ready() may run twice)."""
    _READERS[:] = [reader]


def honours_for(units: Iterable, year: int | None = None) -> dict[int, list[Conferred]]:
    """{unit id: the honours conferred on the unit or on people for their work in it}, for
    ``year`` (None: every year), newest first; units without honours are left out. One
    query whatever the number of units."""
    if not _READERS:
        return {}
    return _READERS[0](units, year)
