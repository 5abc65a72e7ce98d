"""The engines Mingze runs on past one machine, each started by the tests on its own: a
RabbitMQ virtual host, a PostgreSQL primary with a streaming replica, a PgBouncer in
transaction mode and an S3-compatible object store. Like tests/trust/processes.py, each is
private (a free loopback port, a temporary folder, a virtual host of its own), so nothing
that others on the machine use is touched; in CI a missing engine fails the test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from contextlib import contextmanager, suppress
from urllib.parse import quote

import psycopg2

from bench.engines import StandbyServer, query, wait_replayed  # noqa: F401 - used by the scale tests
from tests.services import need
from tests.trust.processes import PrivatePostgres, free_port, wait_port

RABBITMQ = os.environ.get("MINGZE_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672")


def _listening(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


# ---------------------------------------------------------------------------------------
# RabbitMQ


@contextmanager
def rabbitmq_vhost():
    """A virtual host of the test's own on the machine's RabbitMQ (made with rabbitmqctl,
    deleted afterwards, its queues with it); yields the broker URL for it."""
    need(
        "RabbitMQ",
        bool(shutil.which("rabbitmqctl")) and _listening("127.0.0.1", 5672),
        "apt-get install rabbitmq-server, running on 127.0.0.1:5672 (.ci/run starts it)",
    )
    name = f"mingze-test-{uuid.uuid4().hex[:8]}"
    ctl = ["rabbitmqctl", "--quiet"]
    subprocess.run([*ctl, "add_vhost", name], check=True, capture_output=True, timeout=60)
    try:
        subprocess.run(
            [*ctl, "set_permissions", "-p", name, "guest", ".*", ".*", ".*"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield f"{RABBITMQ}/{quote(name, safe='')}"
    finally:
        subprocess.run([*ctl, "delete_vhost", name], capture_output=True, timeout=60)


# ---------------------------------------------------------------------------------------
# PostgreSQL: a primary and a streaming replica


# The hot standby (pg_basebackup -R) and the helpers to query and wait for it.
Replica = StandbyServer


@contextmanager
def primary_and_replica(folder: str):
    """A private primary and its streaming replica, both started; stopped at the end."""
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")  # the servers run as postgres in folders below
    primary = PrivatePostgres(os.path.join(folder, "primary"))
    os.makedirs(primary.folder)
    primary.init()
    primary.start()
    replica = Replica(os.path.join(folder, "replica"), primary)
    os.makedirs(replica.folder)
    try:
        replica.init()
        replica.start()
        yield primary, replica
    finally:
        for server in (replica, primary):
            with suppress(subprocess.CalledProcessError):
                server.stop()


# ---------------------------------------------------------------------------------------
# PgBouncer


class PgBouncer:
    """PgBouncer in transaction mode on a free port in front of the PostgreSQL at
    ``host:port`` (every database name passed through), with a small pool, so that the
    clients' transactions really take turns on a few server connections. Runs as the
    postgres user when the tests run as root: PgBouncer refuses to run as root."""

    def __init__(self, folder: str, *, host: str, port: int, user: str, password: str = "", pool_size: int = 2):
        need("PgBouncer", bool(shutil.which("pgbouncer")), "apt-get install pgbouncer (.ci/run installs it)")
        self.folder = folder
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.ini = os.path.join(folder, "pgbouncer.ini")
        users = os.path.join(folder, "users.txt")
        with open(users, "w") as handle:
            handle.write(f'"{user}" "{password}"\n')
        credentials = f"user={user}" + (f" password={password}" if password else "")
        with open(self.ini, "w") as handle:
            handle.write(
                "[databases]\n"
                f"* = host={host} port={port} {credentials}\n"
                "[pgbouncer]\n"
                "listen_addr = 127.0.0.1\n"
                f"listen_port = {self.port}\n"
                "unix_socket_dir =\n"
                "auth_type = trust\n"
                f"auth_file = {users}\n"
                f"admin_users = {user}\n"
                "pool_mode = transaction\n"
                f"default_pool_size = {pool_size}\n"
                "max_client_conn = 200\n"
                f"logfile = {os.path.join(folder, 'pgbouncer.log')}\n"
                f"pidfile = {os.path.join(folder, 'pgbouncer.pid')}\n"
            )
        if self.as_user:
            for path in (folder, self.ini, users):
                shutil.chown(path, "postgres")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [*self.as_user, "pgbouncer", self.ini], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_port(self.port)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)

    def show(self, what: str) -> list[dict]:
        """``SHOW <what>`` on PgBouncer's admin console, as dicts."""
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="pgbouncer")
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(f"SHOW {what}")
                names = [c.name for c in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            conn.close()
