"""A separate PostgreSQL database for the bench, made from DATABASE_URL (`<name>_bench`),
so the numbers never touch a working database and each run starts from the same state."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit


def bench_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name")
    name = parts.path.lstrip("/") or "mingze"
    bench = f"{name}_bench"
    return urlunsplit(parts._replace(path=f"/{bench}")), bench


def recreate(url: str, name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    admin = psycopg2.connect(
        dbname="postgres",
        user=parts.username,
        password=parts.password,
        host=parts.hostname,
        port=parts.port or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def setup(*, fresh: bool = True) -> str:
    """Point Django at the bench database (made anew unless ``fresh`` is False), migrate it,
    and return its name."""
    url, name = bench_url(os.environ.get("DATABASE_URL", ""))
    if fresh:
        recreate(url, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG would keep every query in memory
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Tasks the jobs queue (e-mails) go to an in-memory broker: measured is the job's own
    # work, and no queue of a real broker is left full of bench messages.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost//"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return name
