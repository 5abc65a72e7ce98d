"""Back up and restore Mingze: the PostgreSQL database (pg_dump custom format) and the
uploaded files (evidence, exports), side by side in one folder. The files are read and
written through Django's storage API, so a backup works the same on the local disk and on
an S3-compatible bucket (config/settings/base.py, STORAGES)."""

from __future__ import annotations

import os
import posixpath
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

import environ
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
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
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        for name in stored_files():
            info = tarfile.TarInfo(f"media/{name}")
            info.size = default_storage.size(name)
            info.mtime = int(default_storage.get_modified_time(name).timestamp())
            with default_storage.open(name, "rb") as handle:
                archive.addfile(info, handle)
    return folder


def stored_files(folder: str = "") -> list[str]:
    """The name of every file in the default storage, below ``folder``."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # no file stored yet: the local folder is not even there
        return []
    names = [posixpath.join(folder, name) for name in files]
    for sub in folders:
        names += stored_files(posixpath.join(folder, sub))
    return names


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
    archive_path = source / "media.tar.gz"
    if archive_path.exists():
        _restore_files(archive_path)


def _restore_files(archive_path: Path) -> None:
    """Put the backup's files in the storage under their names, replacing what is there,
    and remove stored files the backup does not have: the files match the database again."""
    restored = set()
    with tarfile.open(archive_path) as archive:
        for member in archive:
            path = PurePosixPath(member.name)
            if not member.isfile() or path.parts[:1] != ("media",) or ".." in path.parts or len(path.parts) < 2:
                continue  # only plain files below media/, never a path that climbs out
            name = str(PurePosixPath(*path.parts[1:]))
            if default_storage.exists(name):
                default_storage.delete(name)
            saved = default_storage.save(name, File(archive.extractfile(member), name=path.name))
            if saved != name:
                raise BackupError(f"{name} was stored as {saved}.")
            restored.add(name)
    for name in stored_files():
        if name not in restored:
            default_storage.delete(name)
