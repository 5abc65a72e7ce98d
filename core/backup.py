"""Back up and restore Mingze: the PostgreSQL database (pg_dump custom format) and the
uploaded files (evidence, exports) under MEDIA_ROOT, side by side in one folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import environ
from django.conf import settings
from django.utils import timezone


class BackupError(RuntimeError):
    pass


def _pg(db: dict) -> tuple[list[str], dict]:
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL=postgres://…); SQLite is for trying Mingze out.")
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def backup(*, target: Path, db: dict | None = None) -> Path:
    """Write ``<target>/mingze-<time>/`` with ``database.dump`` and ``media.tar.gz``."""
    db = db or settings.DATABASES["default"]
    args, env = _pg(db)
    folder = Path(target) / f"mingze-{timezone.localtime():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    subprocess.run(
        ["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(folder / "database.dump"), db["NAME"]],
        env=env,
        check=True,
    )
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    return folder


def restore(*, source: Path, database_url: str | None = None) -> None:
    """Restore a backup folder into a database (empty or not: objects are replaced) and
    put the uploaded files back under MEDIA_ROOT."""
    source = Path(source)
    dump = source / "database.dump"
    if not dump.exists():
        raise BackupError(f"{dump} does not exist.")
    db = environ.Env.db_url_config(database_url) if database_url else settings.DATABASES["default"]
    args, env = _pg(db)
    subprocess.run(
        [
            "pg_restore",
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            db["NAME"],
            str(dump),
        ],
        env=env,
        check=True,
    )
    media = Path(settings.MEDIA_ROOT)
    archive_path = source / "media.tar.gz"
    if archive_path.exists():
        staging = media.parent / ".restore-media"
        shutil.rmtree(staging, ignore_errors=True)
        with tarfile.open(archive_path) as archive:
            archive.extractall(staging, filter="data")
        if (staging / "media").exists():
            shutil.rmtree(media, ignore_errors=True)
            (staging / "media").rename(media)
        shutil.rmtree(staging, ignore_errors=True)
