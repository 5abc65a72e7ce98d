"""Files attached to things: report evidence, a 述职 report's files, a rectification done,
a reply to a supervision notice.

Every upload passes ``core.uploads.check_upload`` (size, allowed type by content, clean
name, no zip bomb), so every upload in Mingze obeys one rule. Files are private: they are
served only by views that check permission first, never from a URL of their own.
"""

from __future__ import annotations

from django.db import models
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from .errors import EvidenceError
from .fields import person
from .uploads import check_upload, clean_name

__all__ = ["AbstractAttachment", "EvidenceError", "check_upload", "fill_attachment", "attachment_response"]


class AbstractAttachment(models.Model):
    """What Mingze keeps of every uploaded file. The concrete model adds its owner and the
    ``file`` field with its own ``upload_to`` (the stored name is ours, never the uploader's)."""

    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(_("extension"), max_length=8)
    content_type = models.CharField(_("content type"), max_length=100)
    description = models.CharField(_("description"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = person(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


def fill_attachment(
    attachment: AbstractAttachment, *, upload, actor, description: str = "", checked: tuple | None = None
) -> AbstractAttachment:
    """Check ``upload`` (unless ``checked`` carries what ``check_upload`` said) and store it
    on ``attachment`` (an unsaved row, its owner already set).

    Raises ``EvidenceError`` with a message for the uploader; nothing is written then.
    The stored name is ours (the upload_to of the concrete model), never the uploader's.
    """
    extension, content_type, sha256, size = checked or check_upload(upload)
    attachment.original_name = clean_name(upload.name)
    attachment.extension = extension
    attachment.content_type = content_type
    attachment.sha256 = sha256
    attachment.size = size
    attachment.description = (description or "").strip()[:200]
    attachment.uploaded_by = actor
    attachment.file.save(f"{sha256[:16]}{extension}", upload, save=False)
    attachment.save()
    return attachment


def fill_all(make, uploads, *, actor) -> list:
    """Store several files, each on a fresh row from ``make()``: all are checked before the
    first is written, so one bad file among several leaves nothing on disk (a rolled-back
    row would leave its file behind)."""
    checked = [(upload, check_upload(upload)) for upload in uploads]
    return [fill_attachment(make(), upload=upload, actor=actor, checked=meta) for upload, meta in checked]


def attachment_response(attachment: AbstractAttachment) -> FileResponse:
    """The file as a download under its original name; 404 when the file has gone."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
