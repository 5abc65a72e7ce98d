"""`make bench`: python -m bench [--units 2000] [--seed N] [--only NAME …] — prints `name: value`
lines. `make bench UNITS=20000` is ten times province scale (6,000,000 reports).

In order: the organization (bench/data.py), the open period (period_open), the deadline
reminders and their e-mails (reminders), ten periods of history (history), the dashboard
and the export (dashboard), the hot pages in-process and under gunicorn (pages), the lock,
scoring and close of the period (close). Throughput means nothing on a busy machine: the
load average is printed at the start, around the gunicorn runs and at the end.
"""

import argparse
import os
import sys
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated data (default 2026)")
    parser.add_argument("--units", type=int, default=2000, help="units of the organization (default 2,000)")
    parser.add_argument("--per-unit", type=int, default=30, help="duties assigned to each unit (at most 30)")
    parser.add_argument("--only", action="append", help="run only these measurements (data is made all the same)")
    parser.add_argument(
        "--rps-seconds", type=float, default=8.0, help="seconds of load per page under gunicorn (0: skip)"
    )
    parser.add_argument("--runs", type=int, default=30, help="in-process requests timed per page")
    args = parser.parse_args(argv)

    from bench import database

    started = time.perf_counter()
    print(f"load_average_at_start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"machine_cores: {os.cpu_count()}")
    name = database.setup(fresh=True)
    print(f"bench_database: {name}")
    print(f"bench_seed: {args.seed}")
    print(f"setup_migrate_seconds: {time.perf_counter() - started:.2f}")

    from bench import data
    from bench.registry import Context, run_all, stopwatch

    with stopwatch() as elapsed:
        generated = data.generate(seed=args.seed, units=args.units, per_unit=args.per_unit)
    print(f"generate_seconds: {elapsed():.2f}")
    print(f"units: {generated.units}")
    print(f"assignments: {generated.assignments}")
    sys.stdout.flush()

    options = {"rps_seconds": args.rps_seconds, "runs": args.runs}
    run_all(Context(seed=args.seed, data=generated, options=options), only=args.only)
    print(f"load_average_at_end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"bench_total_seconds: {time.perf_counter() - started:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
