"""The dashboard, its drill-down and the Excel export over ten periods (bench/dashboard.py)."""

from bench.registry import collector, measurement


@measurement(order=50)
def dashboard(context) -> dict:
    from bench.dashboard import measure

    figures, out = collector()

    measure(cast=context.cast, runs=context.options.get("runs", 30), out=out)
    return figures
