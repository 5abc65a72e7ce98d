"""A local SMTP server that keeps nothing but who each message was for: what `make bench`
and `make load` send e-mail to, so delivery is counted at the far end of a real SMTP
conversation (aiosmtpd) rather than assumed.

It runs in its own process (``python -m bench.mailsink --port P --out FILE``), so receiving
never competes with the sender for the GIL. Each message is one line of FILE: the number
of the SMTP connection it came on, a tab, its recipients separated by commas.

    with MailSink() as sink:
        … send to 127.0.0.1:sink.port …
        sink.wait_for(n)
        sink.messages(), sink.connections()
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.engines import free_port  # noqa: F401 - the load driver takes it from here too

ROOT = Path(__file__).resolve().parent.parent


class MailSink:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self._folder = tempfile.TemporaryDirectory(prefix="mingze-mailsink-")
        self.path = Path(self._folder.name) / "received.tsv"
        self.path.touch()
        self._process = None

    def __enter__(self) -> MailSink:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.mailsink", "--port", str(self.port), "--out", str(self.path)], cwd=ROOT
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.recv(100)  # the greeting: the server is up
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"the SMTP sink did not start on port {self.port}")

    def __exit__(self, *exc) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._folder.cleanup()

    def settings(self) -> dict:
        """Django settings that send to this sink."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }

    def url(self) -> str:
        """The same as django-environ's EMAIL_URL."""
        return f"smtp://127.0.0.1:{self.port}"

    def _lines(self) -> list[tuple[str, list[str]]]:
        rows = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            connection, _tab, recipients = line.partition("\t")
            rows.append((connection, recipients.split(",") if recipients else []))
        return rows

    def messages(self) -> list[list[str]]:
        """The recipients of each message received, in order."""
        return [recipients for _c, recipients in self._lines()]

    def connections(self) -> int:
        """How many SMTP connections delivered at least one message."""
        return len({connection for connection, _r in self._lines()})

    def wait_for(self, count: int, timeout: float = 30) -> int:
        """Wait until ``count`` messages arrived (or ``timeout``); return how many did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            n = len(self.messages())
            if n >= count:
                return n
            time.sleep(0.1)
        return len(self.messages())


def serve(port: int, out: Path) -> None:
    from aiosmtpd.controller import Controller

    lock = threading.Lock()
    opened = [0]  # SMTP connections that delivered a message so far

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with lock:
                number = getattr(session, "bench_connection", None)
                if number is None:
                    opened[0] += 1
                    number = session.bench_connection = opened[0]
                with out.open("a", encoding="utf-8") as handle:
                    handle.write(f"{number}\t{','.join(envelope.rcpt_tos)}\n")
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A counting SMTP sink for the bench and the load test.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    serve(args.port, args.out)
