"""The real processes the fault tests start and break: a private redis-server, a private
PostgreSQL instance and gunicorn serving Mingze. Each is the test's own, on a free loopback
port, so nothing that others on the machine use is stopped."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager, suppress

import requests
from django.conf import settings
from django.test import Client

from bench import engines
from bench.engines import free_port, wait_port
from tests.schedules.test_real_worker import process_env
from tests.services import need


class RedisServer:
    """A redis-server of the test's own, without persistence; stop() kills it (SIGKILL)."""

    def __init__(self):
        need("redis-server", bool(shutil.which("redis-server")), "apt-get install redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def stop(self):
        self.proc.kill()
        self.proc.wait(timeout=10)


def postgres_bin(name: str) -> str:
    found = engines.postgres_bin(name)
    need(f"PostgreSQL's {name}", bool(found), "apt-get install postgresql")
    return found


class PrivatePostgres(engines.PostgresServer):
    """A PostgreSQL instance of the test's own (bench/engines.py), with a copy of the test
    database when the test asks for one."""

    def __init__(self, folder: str, **kwargs):
        postgres_bin("initdb")
        super().__init__(folder, **kwargs)

    def copy_database(self, name: str) -> str:
        """Copy the test database, with its rows, from the shared cluster into this instance
        as ``name``; returns its URL."""
        db = settings.DATABASES["default"]
        source = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
        env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
        target = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        subprocess.run(["createdb", *target, name], check=True, env=env, timeout=60)
        dump = subprocess.Popen(["pg_dump", "--no-owner", *source, db["NAME"]], stdout=subprocess.PIPE, env=env)
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", *target, name],
            stdin=dump.stdout,
            stdout=subprocess.DEVNULL,
            check=True,
            timeout=120,
        )
        assert dump.wait(timeout=60) == 0
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@contextmanager
def private_postgres():
    with tempfile.TemporaryDirectory() as folder:
        instance = PrivatePostgres(folder)
        instance.init()
        instance.start()
        try:
            yield instance
        finally:
            with suppress(subprocess.CalledProcessError):
                instance.stop()


@contextmanager
def gunicorn(**env):
    """Mingze under gunicorn (the production server) with the given environment on top of
    the worker tests' (test database, local settings without DEBUG); yields its base URL."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "30"],
            cwd=settings.BASE_DIR,
            env={**process_env(), "SECRET_KEY": settings.SECRET_KEY, **env},  # our sessions are valid there
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_port(port)
            yield f"http://127.0.0.1:{port}", proc
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            log.seek(0)
            print(log.read()[-6000:])


def browser_for(user) -> requests.Session:
    """A requests session signed in as ``user`` (a session row made here), with a CSRF
    cookie and header, as a browser that loaded a form would have."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    token = secrets.token_hex(16)
    session.cookies.set(settings.CSRF_COOKIE_NAME, token)
    session.headers["X-CSRFToken"] = token
    return session
