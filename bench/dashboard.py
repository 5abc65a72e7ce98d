"""Dashboard measurements at province scale (DESIGN.md, "Targets"), as ``name: value`` lines.

``measure()`` is what ``make bench`` calls, with Django already set up on the bench
database and the data in it (``bench.dashboard_data.generate``). Standalone, this module
does everything itself:

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mingze_bench \\
        .venv/bin/python -m bench.dashboard [--seed 2026] [--regenerate]

Targets: dashboard ≤ 15 queries whatever the size and p50 ≤ 100 ms; secretary home ≤ 10
queries and ≥ 40 % of a trivial view's requests per second under gunicorn (2 workers);
Excel export of a period with bounded memory.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SETTINGS = "bench.dashboard_settings"
ROOT = Path(__file__).resolve().parent.parent


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_page(client, url: str, *, runs: int = 30, warmup: int = 3) -> dict:
    """Server time in-process (Django's test client, no network) and the queries of one request."""
    from django.db import connection

    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    captured = []

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    # Counted at the cursor (CaptureQueriesContext loses them: a request resets the log).
    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {"p50": statistics.median(times), "p95": _percentile(times, 95), "queries": len(captured)}


def secretary_home_url() -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("assessments:my_reports")
    except NoReverseMatch:
        return None


def people():
    """A leader, and the secretary of the first branch (whoever the data named them)."""
    from django.contrib.auth import get_user_model

    from accounts import roles
    from responsibilities.models import Post

    leader = get_user_model().objects.filter(groups__name=roles.LEADER).order_by("pk").first()
    post = (
        Post.objects.filter(unit__kind="branch", kind="secretary", holder__isnull=False)
        .select_related("holder")
        .order_by("unit__path")
        .first()
    )
    return leader, post.holder


def database_url() -> str:
    """The database Django is using now, as a URL for the processes the bench starts."""
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env() -> dict:
    """The processes the bench starts use its settings on the same database, and the same
    secret key: sessions made here must hold there."""
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "BENCH_DATABASE_URL": database_url(),
        "BENCH_SECRET_KEY": settings.SECRET_KEY,
    }


def export_in_child(period_id: int) -> dict:
    """Build the period's Excel workbook in a fresh process and read its peak RSS (VmHWM,
    Linux) before and after: the growth is the export's own. (getrusage's ru_maxrss would
    carry the bench's own peak over the fork.)"""
    code = (
        "import django, json, time, tempfile, pathlib;"
        "django.setup();"
        "from assessments.models import Period;"
        "from dashboard.exports.excel import write_workbook;"
        "from django.db import connection;"
        f"p = Period.objects.get(pk={period_id}); connection.ensure_connection();"
        "hwm = lambda: int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]);"
        "base = hwm();"
        "out = pathlib.Path(tempfile.mkdtemp()) / 'bench.xlsx';"
        "t = time.perf_counter(); write_workbook(period=p, root=None, path=out); t = time.perf_counter() - t;"
        "peak = hwm();"
        "print(json.dumps({'seconds': t, 'base_mb': base / 1024, 'peak_mb': peak / 1024,"
        " 'size_mb': out.stat().st_size / 2**20}))"
    )
    env = child_env()
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hammer(args) -> tuple[int, int]:
    """Requests one after another for ``seconds``: (answered 200, anything else). Redirects
    are not followed — a lost session would otherwise count the sign-in page as a success."""
    host, port, path, cookie, seconds = args
    headers = {"Cookie": cookie} if cookie else {}
    ok = failed = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                ok += 1
            else:
                failed += 1
        except OSError:
            failed += 1
        finally:
            connection.close()
    return ok, failed


def requests_per_second(
    port: int, path: str, cookie: str = "", *, seconds: float = 8.0, clients: int = 4
) -> tuple[float, int]:
    """Closed-loop load from ``clients`` processes (no GIL between them) for ``seconds``:
    answers 200 per second, and how many answers were anything else."""
    with multiprocessing.Pool(clients) as pool:
        counts = pool.map(_hammer, [("127.0.0.1", port, path, cookie, seconds)] * clients)
    return sum(ok for ok, _ in counts) / seconds, sum(failed for _, failed in counts)


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def gunicorn_rates(targets: dict[str, tuple[str, str]], out, seconds: float = 8.0) -> dict[str, float]:
    """Start gunicorn (2 sync workers) on the bench settings and measure each target."""
    port = _free_port()
    env = child_env()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    rates = {}
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/bench/trivial/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        for name, (path, cookie) in targets.items():
            requests_per_second(port, path, cookie, seconds=1.0)  # warm both workers
            rates[name], failed = requests_per_second(port, path, cookie, seconds=seconds)
            out(f"rps_{name}: {rates[name]:.0f}")
            if failed:
                out(f"rps_{name}_not_200: {failed}")
    finally:
        server.terminate()
        server.wait(timeout=20)
    return rates


PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def measure(out=print) -> dict:
    """Print every dashboard figure; Django must be set up on the bench database.

    Static files by their plain names: `make bench` does not run collectstatic, and the
    manifest's lookup is not what is measured."""
    from django.test.utils import override_settings

    with override_settings(STORAGES=PLAIN_STATIC):
        return _measure(out)


def _measure(out) -> dict:
    from django.test import Client
    from django.urls import reverse

    from assessments.models import Period

    results = {}
    # Timings on a shared machine depend on what else runs: the load is printed beside them.
    out(f"load_average_1min: {os.getloadavg()[0]:.2f}")
    leader, secretary = people()
    newest = Period.objects.order_by("-year", "-half")
    open_period = newest.filter(state="open").first() or newest.first()
    closed = newest.filter(state="closed").first() or newest.first()

    # The host is named: under `make bench` the settings are the application's own, whose
    # ALLOWED_HOSTS does not know the test client's "testserver".
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(leader)
    for label, period in (("dashboard", open_period), ("dashboard_closed_period", closed)):
        figures = time_page(client, f"{reverse('dashboard:index')}?period={period.pk}")
        results[label] = figures
        out(f"{label}_p50_ms: {figures['p50']:.1f}")
        out(f"{label}_p95_ms: {figures['p95']:.1f}")
        out(f"{label}_queries: {figures['queries']}")
    figures = time_page(client, f"{reverse('dashboard:index')}?period={closed.pk}&color=score", runs=10)
    out(f"dashboard_heatmap_by_score_p50_ms: {figures['p50']:.1f}")
    out(f"dashboard_heatmap_by_score_queries: {figures['queries']}")

    secretary_client = Client(HTTP_HOST="127.0.0.1")
    secretary_client.force_login(secretary)
    home = secretary_home_url()
    if home is None:
        out("secretary_home: not measured (assessments:my_reports is not present in this build)")
    else:
        figures = time_page(secretary_client, home)
        results["secretary_home"] = figures
        out(f"secretary_home_p50_ms: {figures['p50']:.1f}")
        out(f"secretary_home_queries: {figures['queries']}")
    figures = time_page(secretary_client, reverse("dashboard:index"))
    out(f"secretary_dashboard_p50_ms: {figures['p50']:.1f}")
    out(f"secretary_dashboard_queries: {figures['queries']}")
    figures = time_page(client, f"{reverse('dashboard:reports')}?period={open_period.pk}&warning=red", runs=10)
    out(f"drilldown_red_p50_ms: {figures['p50']:.1f}")
    out(f"drilldown_red_queries: {figures['queries']}")

    export = export_in_child(closed.pk)
    results["export"] = export
    out(f"excel_export_seconds: {export['seconds']:.1f}")
    out(f"excel_export_peak_rss_mb: {export['peak_mb']:.0f}")
    out(f"excel_export_rss_before_mb: {export['base_mb']:.0f}")
    out(f"excel_export_file_mb: {export['size_mb']:.1f}")

    targets = {"trivial": ("/bench/trivial/", "")}  # bench.dashboard_urls, what gunicorn serves
    if home is not None:
        targets["secretary_home"] = (home, session_cookie(secretary))
    targets["secretary_dashboard"] = (reverse("dashboard:index"), session_cookie(secretary))
    rates = gunicorn_rates(targets, out)
    for name in ("secretary_home", "secretary_dashboard"):
        if name in rates and rates.get("trivial"):
            out(f"rps_ratio_{name}_to_trivial: {rates[name] / rates['trivial']:.2f}")
    results["rps"] = rates
    out(f"load_average_1min_after: {os.getloadavg()[0]:.2f}")
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--regenerate", action="store_true", help="fill the bench database again")
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench.dashboard_data import generate, present

    _ensure_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.regenerate or not present():
        start = time.perf_counter()
        made = generate(seed=args.seed)
        print(f"bench_data_seconds: {time.perf_counter() - start:.1f}")
        print(f"bench_data: {made}")
    measure()


def _ensure_database() -> None:
    """Create the bench database when it does not exist (never touches any other)."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    try:
        psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432).close()
    except psycopg2.OperationalError:
        admin = psycopg2.connect(dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
        admin.close()


if __name__ == "__main__":
    main()
