"""`make bench`: python -m bench [--seed N] [--only NAME …] — prints `name: value` lines."""

import argparse
import sys
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated data (default 2026)")
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--per-unit", type=int, default=30)
    parser.add_argument("--only", action="append", help="run only these measurement modules")
    args = parser.parse_args(argv)

    from bench import database

    started = time.perf_counter()
    name = database.setup(fresh=True)
    print(f"bench_database: {name}")
    print(f"bench_seed: {args.seed}")
    print(f"setup_migrate_seconds: {time.perf_counter() - started:.2f}")

    from bench import data
    from bench.measurements import load_all
    from bench.registry import MEASUREMENTS, Context, stopwatch

    with stopwatch() as elapsed:
        generated = data.generate(seed=args.seed, units=args.units, per_unit=args.per_unit)
    print(f"generate_seconds: {elapsed():.2f}")
    print(f"units: {generated.units}")
    print(f"assignments: {generated.assignments}")
    sys.stdout.flush()

    load_all()
    context = Context(seed=args.seed, data=generated)
    for item in sorted(MEASUREMENTS, key=lambda m: (m.order, m.name)):
        if args.only and item.name not in args.only:
            continue
        for key, value in item.run(context).items():
            print(f"{key}: {value}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
