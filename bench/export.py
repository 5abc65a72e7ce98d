"""`python -m bench.export`: the Excel export of a period timed in-process over a database
that exists already — the rehearsal's (`python -m load.prepare`, 50,000 units) or a bench's
— without making the data anew, and without writing to it (every transaction read-only).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mingze_r50_load python -m bench.export

Prints `name: value` lines: the reads of every page of units alone (``summarize`` and
``period_reports``, what grows with the square of the organization if a page's query reads
more than the page), then the whole workbook unless ``--reads-only``. ``--pages N``: the
reads of the first N pages only. The period is the latest one opened unless ``--period``
names one.
"""

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path


def measure(period, *, pages: int | None = None, reads_only: bool = False, out=print) -> None:
    from django.utils import translation

    from dashboard.exports import data, excel

    chunks = data.unit_chunks(None)
    started, units, reports, count = time.perf_counter(), 0, 0, 0
    for page in itertools.islice(chunks, pages):
        data.summarize(period, page, adjustments=True)
        reports += len(excel.period_reports(period, page))
        units, count = units + len(page), count + 1
    reads = time.perf_counter() - started
    out(f"export_units: {units}")
    out(f"export_reports: {reports}")
    out(f"excel_export_reads_seconds_{reports}: {reads:.1f}")
    out(f"excel_export_reads_ms_per_page: {1000 * reads / max(1, count):.1f}")
    if reads_only or pages:
        return
    path = Path(tempfile.mkdtemp()) / "export.xlsx"
    started = time.perf_counter()
    with translation.override("zh-hans"):
        excel.write_workbook(period=period, root=None, path=path)
    out(f"excel_export_seconds_{reports}: {time.perf_counter() - started:.1f}")
    out(f"excel_export_file_mb: {path.stat().st_size / 2**20:.1f}")
    path.unlink()
    path.parent.rmdir()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__)
    parser.add_argument("--period", type=int, help="the period's id (default: the latest opened)")
    parser.add_argument("--pages", type=int, help="the reads of the first N pages of units only")
    parser.add_argument("--reads-only", action="store_true", help="time the pages' reads, not the workbook")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection

    connection.settings_dict.setdefault("OPTIONS", {})["options"] = "-c default_transaction_read_only=on"
    from assessments.models import Period

    periods = Period.objects.exclude(state=Period.State.SCHEDULED).order_by("-year", "-half")
    period = periods.get(pk=args.period) if args.period else periods.first()
    print(f"load_average_at_start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"export_period: {period.pk}")
    measure(period, pages=args.pages, reads_only=args.reads_only)
    print(f"load_average_at_end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
