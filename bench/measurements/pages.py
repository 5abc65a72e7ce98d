"""The hot pages (DESIGN.md, "Targets"), each as the person who uses it: in-process server
time, queries and a profile of where the time goes (bench/timing.py), then requests per
second under gunicorn against a trivial view (bench/pages.py)."""

from bench.registry import collector, measurement


def hot_pages(cast) -> list[tuple[str, object, str]]:
    """(name, person, URL) of each hot page, measured as the person who uses it."""
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(cast.secretary)
    landing = client.get("/")  # the secretary's home is wherever their landing page sends them
    home = landing.headers.get("Location") if landing.status_code == 302 else "/"
    return [
        ("secretary_home", cast.secretary, home),
        ("report", cast.secretary, reverse("assessments:report", args=[cast.report.pk])),
        ("review_queue", cast.leader, reverse("assessments:review_queue")),
        ("unit", cast.leader, reverse("assessments:unit", args=[cast.committee.pk])),
        ("dashboard", cast.leader, reverse("dashboard:index")),
        ("notifications", cast.secretary, reverse("notifications:list")),
    ]


@measurement(order=60)
def pages(context) -> dict:
    from django.test import Client

    from bench.pages import TRIVIAL, measure_rates, session_cookie
    from bench.timing import profile_page, time_page

    figures, out = collector()

    clients = {}
    targets = {"trivial": (TRIVIAL, "")}
    runs = context.options.get("runs", 30)
    for name, person, url in hot_pages(context.cast):
        if person.pk not in clients:
            clients[person.pk] = Client(HTTP_HOST="127.0.0.1")
            clients[person.pk].force_login(person)
        client = clients[person.pk]
        timed = time_page(client, url, runs=runs)
        out(f"{name}_url: {url}")
        out(f"{name}_p50_ms: {timed['p50']:.1f}")
        out(f"{name}_p95_ms: {timed['p95']:.1f}")
        out(f"{name}_queries: {timed['queries']}")
        out(f"{name}_kb: {timed['bytes'] / 1024:.0f}")
        profile = profile_page(client, url, name=name, runs=max(1, runs // 2))
        for key in ("sql_share", "template_share", "other_share"):
            out(f"profile_{name}_{key}: {profile[key]:.2f}")
        out(f"profile_{name}_model_instances: {profile['model_instances']}")
        out(f"profile_{name}_translations: {profile['translations']}")
        out(f"profile_{name}_top: {profile['top']}")
        out(f"profile_{name}_file: {profile['file']}")
        targets[name] = (url, session_cookie(person))
    seconds = context.options.get("rps_seconds", 8.0)
    if seconds > 0:
        warmup = context.options.get("rps_warmup", 1.0)
        measure_rates(targets, seconds=seconds, out=out, warmup=warmup, workers=context.options.get("web_workers"))
    return figures
