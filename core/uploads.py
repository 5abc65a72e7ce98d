"""The one rule every upload in Mingze obeys — report evidence, a 述职 report's files, a
rectification's proof, a reply to a supervision notice: its size, an allowed type told by
its content (not by its name), a clean name, and no zip bomb inside an Office package."""

from __future__ import annotations

import hashlib
import zipfile

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import EvidenceError

# What each allowed extension must be by its content. Office files of 2007 and later are
# zip packages, which ``filetype`` tells apart by their inner parts.
CONTENT_TYPES = {
    "pdf": {"application/pdf"},
    "doc": {"application/msword", "application/x-ole-storage", "application/CDFV2"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xls": {"application/vnd.ms-excel", "application/x-ole-storage", "application/CDFV2"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
}
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def allowed_extensions() -> set[str]:
    allowed = {ext.lower().lstrip(".") for ext in settings.MINGZE_EVIDENCE_TYPES}
    if "jpg" in allowed:
        allowed.add("jpeg")
    return allowed


def check_upload(upload) -> tuple[str, str, str, int]:
    """Validate an uploaded file; return (extension, content type, sha256, size).

    Checks the size, the extension against the allowed list, and that the bytes really
    are of that type. Raises ``EvidenceError`` with a message for the uploader.
    """
    size = upload.size or 0
    limit = settings.MINGZE_EVIDENCE_MAX_BYTES
    if size == 0:
        raise EvidenceError(_("The file is empty."))
    if size > limit:
        raise EvidenceError(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"size": size / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = allowed_extensions()
    if extension not in allowed:
        raise EvidenceError(
            _("Files of this type cannot be attached. Allowed: %(types)s.")
            % {"types": ", ".join(sorted(allowed - {"jpeg"}))}
        )
    upload.seek(0)
    head = upload.read(65536)
    upload.seek(0)
    kind = filetype.guess(head)
    detected = kind.mime if kind else ""
    if extension in ("doc", "xls") and head.startswith(OLE_MAGIC):
        detected = "application/x-ole-storage"
    if detected not in CONTENT_TYPES.get(extension, set()):
        raise EvidenceError(
            _("The file's content does not match its name (.%(ext)s). Save it again as a real .%(ext)s file.")
            % {"ext": extension}
        )
    if extension in ("docx", "xlsx"):
        check_package(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return "." + extension, detected, digest.hexdigest(), size


def check_package(upload) -> None:
    """Office files are zip packages: refuse one that would unpack to far more than it
    weighs (a zip bomb) or that is not a readable package at all. Nothing is unpacked."""
    limit = settings.MINGZE_EVIDENCE_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(upload) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        upload.seek(0)
        raise EvidenceError(_("The file is damaged and cannot be opened. Save it again and retry.")) from None
    upload.seek(0)
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if len(entries) > 10_000 or unpacked > limit or unpacked / packed > 200:
        raise EvidenceError(_("The file unpacks to far more than its size and cannot be accepted."))


def clean_name(name: str) -> str:
    """The name people see: no folders, no control characters, at most 120 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = name.strip(" .") or "file"
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:110] + "." + ext) if dot and len(ext) <= 8 else name[:120]
    return name


# What a phone's file picker is told: the allowed types by name and by MIME type, so it
# offers the camera and the photo library as well as documents (UX.md, "Pages").
MIME_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


def accept_attribute() -> str:
    """The ``accept`` attribute of a file input: what the browser's picker offers."""
    allowed = sorted(allowed_extensions())
    mimes = sorted({MIME_TYPES[ext] for ext in allowed if ext in MIME_TYPES})
    return ",".join([*mimes, *(f".{ext}" for ext in allowed)])
