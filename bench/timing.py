"""Timing and profiling one page in-process (Django's test client, no network).

``time_page`` gives the server time (p50, p95) and the queries of one request.
``profile_page`` says where a request's time goes, so whoever makes the page cheaper knows
where to start:

- ``sql_share``: time inside the database cursor, of the whole request;
- ``template_share``: time rendering templates, less the SQL run from inside them (a lazy
  queryset evaluated by a ``{% for %}``), of the whole request;
- ``model_instances``: model objects built per request (every ``Model.__init__``);
- ``translations``: gettext look-ups per request (``{% translate %}``, ``gettext``, lazy
  strings), from a cProfile run, whose top functions by own time are kept as ``top`` and
  whose full statistics are written to ``var/bench/profile_<page>.prof``
  (``python -m pstats`` or snakeviz read it).

Shares come from a run without the profiler (cProfile would inflate Python against SQL).
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILE_DIR = ROOT / "var" / "bench"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _get(client, url: str, expect: int = 200):
    response = client.get(url)
    if response.status_code != expect:
        raise RuntimeError(f"bench: {url} answered {response.status_code}, not {expect}, in-process")
    return response


@contextmanager
def counting_queries():
    """Queries run inside the block, counted at the cursor (CaptureQueriesContext loses them:
    a request resets the log)."""
    from django.db import connection

    captured: list[str] = []

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield captured


def time_page(client, url: str, *, runs: int = 30, warmup: int = 3, before=None) -> dict:
    """Server time in-process, the queries and the size of one answer; ``before`` runs
    untimed before each request (a change that makes a cache stale)."""
    before = before or (lambda: None)
    for _ in range(min(warmup, runs)):
        _get(client, url)
    before()
    with counting_queries() as captured:
        size = len(_get(client, url).content)
    times = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {"p50": statistics.median(times), "p95": percentile(times, 95), "queries": len(captured), "bytes": size}


class _Split:
    """Wall time of SQL, of template rendering (outermost render only) and of the SQL run
    while a template renders; model instances built."""

    def __init__(self):
        self.sql = self.template = self.sql_in_template = 0.0
        self.instances = 0
        self._depth = 0

    def execute(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - start
            self.sql += spent
            if self._depth:
                self.sql_in_template += spent

    def wrap_render(self, render):
        split = self

        def timed(template, *args, **kwargs):
            split._depth += 1
            start = time.perf_counter()
            try:
                return render(template, *args, **kwargs)
            finally:
                split._depth -= 1
                if not split._depth:
                    split.template += time.perf_counter() - start

        return timed

    def built(self, **kwargs):
        self.instances += 1


def _short(func: tuple) -> str:
    filename, line, name = func
    for marker in ("site-packages/", "/lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    else:
        filename = filename.replace(str(ROOT) + "/", "")
    return f"{filename}:{line}({name})" if filename != "~" else name


def profile_page(client, url: str, *, name: str, runs: int = 20) -> dict:
    """Where one request's time goes (see the module's doc); figures per request."""
    from django.db import connection
    from django.db.models.signals import post_init
    from django.template.backends.django import Template

    _get(client, url)
    split = _Split()
    original = Template.render
    Template.render = split.wrap_render(original)
    post_init.connect(split.built, weak=False, dispatch_uid="bench-instances")
    try:
        with connection.execute_wrapper(split.execute):
            start = time.perf_counter()
            for _ in range(runs):
                client.get(url)
            total = time.perf_counter() - start
    finally:
        Template.render = original
        post_init.disconnect(dispatch_uid="bench-instances")

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(url)
    profiler.disable()
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    path = PROFILE_DIR / f"profile_{name}.prof"
    profiler.dump_stats(str(path))
    stats = pstats.Stats(str(path))
    own_total = sum(row[2] for row in stats.stats.values()) or 1.0
    translations = sum(
        row[1]
        for (filename, _line, function), row in stats.stats.items()
        if filename.endswith("django/utils/translation/trans_real.py")
        and function in ("gettext", "ngettext", "pgettext", "npgettext")
    )
    top = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:5]
    return {
        "ms_per_request": total / runs * 1000,
        "sql_share": split.sql / total,
        "template_share": (split.template - split.sql_in_template) / total,
        "other_share": max(0.0, 1 - (split.sql + split.template - split.sql_in_template) / total),
        "model_instances": round(split.instances / runs),
        "translations": round(translations / runs),
        "top": "; ".join(f"{_short(func)} {row[2] / own_total:.0%}" for func, row in top),
        "file": str(path.relative_to(ROOT)),
    }
