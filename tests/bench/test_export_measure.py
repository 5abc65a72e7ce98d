"""`python -m bench.export` over an existing database: its figures at a tiny scale (the
timings themselves are taken by hand on the rehearsal's data, never asserted here)."""

import pytest

from bench import export
from tests.dashboard.test_export_plans import PER_UNIT, UNITS, organization  # noqa: F401 - the shared fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def figures(period, **options) -> dict[str, str]:
    lines: list[str] = []
    export.measure(period, out=lines.append, **options)
    return dict(line.split(": ", 1) for line in lines)


def test_the_export_is_timed_over_every_page_or_the_first_few(organization):  # noqa: F811
    every = figures(organization)
    reports = UNITS * PER_UNIT
    assert (every["export_units"], every["export_reports"]) == (str(UNITS), str(reports))
    assert float(every[f"excel_export_seconds_{reports}"]) > 0
    assert float(every["excel_export_file_mb"]) > 0
    few = figures(organization, pages=1)
    assert few["export_units"] == "200"  # a page of units
    assert "excel_export_file_mb" not in few
