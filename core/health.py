"""Liveness of the two parts Mingze cannot work without: the database and the broker."""

from __future__ import annotations

import os

from django.conf import settings
from django.db import connection


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the name says which
        return f"error: {exc.__class__.__name__}"
    return "ok"


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    timeout = settings.HEALTHZ_BROKER_TIMEOUT
    try:
        if url.startswith("filesystem"):
            folder = settings.CELERY_BROKER_FOLDER / "queue"
            if not (folder.is_dir() and os.access(folder, os.W_OK)):
                return "error: broker folder missing or read-only"
        elif url.startswith(("redis://", "rediss://")):
            import redis

            client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
            try:
                client.ping()
            finally:
                client.close()
        else:
            from celery import current_app

            with current_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"
