"""The dashboard, its drill-down and the Excel export over ten periods (bench/dashboard.py)."""

from bench.registry import measurement


@measurement(order=50)
def dashboard(context) -> dict:
    from bench.dashboard import measure

    figures = {}

    def out(line: str) -> None:
        name, _sep, value = line.partition(": ")
        figures[name] = value

    measure(cast=context.cast, runs=context.options.get("runs", 30), out=out)
    return figures
