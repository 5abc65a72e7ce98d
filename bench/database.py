"""A separate PostgreSQL database for the bench, made from DATABASE_URL (`<name>_bench`),
so the numbers never touch a working database and each run starts from the same state."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit


def bench_url(url: str, suffix: str = "bench") -> tuple[str, str]:
    """DATABASE_URL's database with ``_<suffix>`` added to its name: (URL, name)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        sys.exit(f"make {suffix} needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name")
    name = parts.path.lstrip("/") or "mingze"
    bench = f"{name}_{suffix}"
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


def setup(*, fresh: bool = True, suffix: str = "bench") -> str:
    """Point Django at the bench database (``<name>_bench``, or ``_load`` for `make load`;
    made anew unless ``fresh`` is False) with the bench's settings (bench/settings.py),
    migrate it, and return its name."""
    url, name = bench_url(os.environ.get("DATABASE_URL", ""), suffix)
    if fresh:
        recreate(url, name)
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return name
