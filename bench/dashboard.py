"""The dashboard's figures at the bench's scale (DESIGN.md, "Targets": ≤ 15 queries whatever
the size and p50 ≤ 100 ms, also right after a change; the Excel export of a period in
bounded memory), as ``name: value`` lines. Django must be set up on the bench database with
its history made (bench/history.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.timing import time_page

ROOT = Path(__file__).resolve().parent.parent


def _touch_a_report(period):
    """A save of one report of ``period`` (what a secretary's submission does to the stamp)."""
    from assessments.models import Report

    report = Report.objects.filter(period=period).order_by("pk").first()

    def touch():
        report.save(update_fields=["updated_at"])

    return touch


def export_in_child(period_id: int, root_id: int | None = None) -> dict:
    """Build the period's Excel workbook (of ``root_id``'s subtree, or the whole organization)
    in a fresh process and read its peak RSS (VmHWM, Linux) before and after: the growth is
    the export's own. (getrusage's ru_maxrss would carry the bench's own peak over the fork.)"""
    from bench.pages import child_env

    code = (
        "import django, json, time, tempfile, pathlib;"
        "django.setup();"
        "from assessments.models import Period;"
        "from responsibilities.models import Unit;"
        "from dashboard.exports.excel import write_workbook;"
        "from django.db import connection;"
        f"p = Period.objects.get(pk={period_id}); root = Unit.objects.filter(pk={root_id!r}).first();"
        "connection.ensure_connection();"
        "hwm = lambda: int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]);"
        "base = hwm();"
        "out = pathlib.Path(tempfile.mkdtemp()) / 'bench.xlsx';"
        "t = time.perf_counter(); write_workbook(period=p, root=root, path=out); t = time.perf_counter() - t;"
        "peak = hwm();"
        "print(json.dumps({'seconds': t, 'base_mb': base / 1024, 'peak_mb': peak / 1024,"
        " 'size_mb': out.stat().st_size / 2**20})); out.unlink()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=child_env(), cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def export_growth_by_size(period, out=print) -> None:
    """The export's memory at two sizes of the same period: one 机关党委's branch and the
    whole organization, as ``excel_export_rss_growth_mb_<reports>``. Bounded memory: the
    whole organization's is no larger than a few pages of units' (data.UNITS_PER_CHUNK),
    however many reports it has."""
    from assessments.models import Report
    from responsibilities import access
    from responsibilities.models import Unit

    branch = Unit.objects.filter(depth=2, numchild__gt=0).order_by("path").first()
    for root in (branch, None):
        reports = Report.objects.filter(period=period).filter(access.in_subtree(root)).count()
        figures = export_in_child(period.pk, root.pk if root is not None else None)
        out(f"excel_export_rss_growth_mb_{reports}: {figures['peak_mb'] - figures['base_mb']:.1f}")


def measure(*, cast, runs: int = 30, out=print) -> None:
    from django.test import Client
    from django.urls import reverse

    from assessments.models import Period

    out(f"load_average_1min: {os.getloadavg()[0]:.2f}")
    newest = Period.objects.order_by("-year", "-half")
    open_period = newest.filter(state="open").first() or newest.first()
    closed = newest.filter(state="closed").first() or newest.first()

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(cast.leader)
    index = reverse("dashboard:index")
    for label, period in (("dashboard", open_period), ("dashboard_closed_period", closed)):
        figures = time_page(client, f"{index}?period={period.pk}", runs=runs)
        out(f"{label}_p50_ms: {figures['p50']:.1f}")
        out(f"{label}_p95_ms: {figures['p95']:.1f}")
        out(f"{label}_queries: {figures['queries']}")
    # The same page when a report changed just before each view: the counts are read again.
    figures = time_page(
        client, f"{index}?period={open_period.pk}", runs=max(1, runs // 2), before=_touch_a_report(open_period)
    )
    out(f"dashboard_after_a_change_p50_ms: {figures['p50']:.1f}")
    out(f"dashboard_after_a_change_p95_ms: {figures['p95']:.1f}")
    out(f"dashboard_after_a_change_queries: {figures['queries']}")
    figures = time_page(client, f"{index}?period={closed.pk}&color=score", runs=max(1, runs // 3))
    out(f"dashboard_heatmap_by_score_p50_ms: {figures['p50']:.1f}")
    out(f"dashboard_heatmap_by_score_queries: {figures['queries']}")

    secretary = Client(HTTP_HOST="127.0.0.1")
    secretary.force_login(cast.secretary)
    figures = time_page(secretary, index, runs=runs)
    out(f"secretary_dashboard_p50_ms: {figures['p50']:.1f}")
    out(f"secretary_dashboard_queries: {figures['queries']}")
    reports = reverse("dashboard:reports")
    figures = time_page(client, f"{reports}?period={open_period.pk}&warning=yellow", runs=max(1, runs // 3))
    out(f"drilldown_yellow_p50_ms: {figures['p50']:.1f}")
    out(f"drilldown_yellow_queries: {figures['queries']}")
    figures = time_page(
        client, f"{reports}?period={open_period.pk}&unit={cast.committee.pk}&state=submitted", runs=max(1, runs // 3)
    )
    out(f"drilldown_committee_submitted_p50_ms: {figures['p50']:.1f}")
    out(f"drilldown_committee_submitted_queries: {figures['queries']}")

    export = export_in_child(closed.pk)
    out(f"excel_export_seconds: {export['seconds']:.1f}")
    out(f"excel_export_peak_rss_mb: {export['peak_mb']:.0f}")
    out(f"excel_export_rss_growth_mb: {export['peak_mb'] - export['base_mb']:.0f}")
    out(f"excel_export_file_mb: {export['size_mb']:.1f}")
    export_growth_by_size(closed, out=out)
