"""Private servers on free loopback ports, for the runs that start their own engines (the
rehearsal of `make rehearsal`) and for the tests that start and break them
(tests/trust/processes.py, tests/scale/servers.py): a PostgreSQL instance in a folder of
its own and a streaming replica of it. Nothing that others on the machine use is touched.
No Django here: the load driver uses it before any settings exist."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import time

import psycopg2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, *, up: bool = True, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if (sock.connect_ex(("127.0.0.1", port)) == 0) == up:
                return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not come {'up' if up else 'down'}")


def postgres_bin(name: str) -> str:
    """The newest installed PostgreSQL's ``name`` program; empty when none is installed."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else ""


class PostgresServer:
    """A PostgreSQL instance in ``folder`` (initdb, trust auth on loopback), run by the
    postgres user when we run as root, as PostgreSQL refuses to run as root. ``options``
    are more ``-c name=value`` settings for the server."""

    def __init__(self, folder: str, *, options: str = ""):
        self.folder = folder
        self.data = os.path.join(folder, "data")
        self.port = free_port()
        self.options = options
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *args, timeout: float = 120):
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=timeout)

    def init(self):
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        self.run(postgres_bin("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")

    def pg_ctl(self, *args):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off {self.options}"
        log = os.path.join(self.folder, "log")
        self.run(postgres_bin("pg_ctl"), "-D", self.data, "-o", options.strip(), "-l", log, "-w", *args)

    def start(self):
        self.pg_ctl("start")

    def stop(self):
        self.pg_ctl("stop", "-m", "fast")

    def sql(self, statement: str, dbname: str = "postgres"):
        return query(self.port, statement, dbname)


class StandbyServer(PostgresServer):
    """A hot standby of ``primary``, made by pg_basebackup (-R writes standby.signal and
    the primary's conninfo) into its own folder, served on its own port."""

    def __init__(self, folder: str, primary: PostgresServer, *, options: str = ""):
        super().__init__(folder, options=options)
        self.primary = primary

    def init(self, *, timeout: float = 120):
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        source = ["-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres"]
        backup = [
            postgres_bin("pg_basebackup"),
            *source,
            "-D",
            self.data,
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
            "--no-sync",
        ]
        self.run(*backup, timeout=timeout)


def query(port: int, statement: str, dbname: str = "postgres"):
    """Run one statement on the server at ``port`` (autocommit) and return its first row."""
    conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname, connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchone() if cursor.description else None
    finally:
        conn.close()


def wait_replayed(primary: PostgresServer, replica: StandbyServer, timeout: float = 30) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    (target,) = query(primary.port, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        (done,) = replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
        if done:
            return
        time.sleep(0.1)
    raise TimeoutError("the replica did not catch up")
