"""Files customers upload (portal and web form).

The browser's claimed content type is not trusted: the type stored is the
one the file's first bytes show, else the one its (sanitised) name
suggests, and a file whose bytes do not match an image type is never
stored as an image (the download views show only images inline). Sizes
are checked against the upload's declared size before it is read, and
names are sanitised again when stored (``tickets.attachments``).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ventanilla.tickets.attachments import NewAttachment, safe_filename

MAX_FILES = 10

# Leading bytes of the types a browser could render; first match wins.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
)
_RENDERABLE_PREFIXES = ("image/", "text/html", "application/xhtml", "image/svg")
_OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def sniff_content_type(name: str, content: bytes) -> str:
    """The content type of ``content``, judged by its bytes first.

    1. A known signature decides (RIFF....WEBP too); zip containers keep
       the office type their name claims.
    2. Otherwise the name's type, unless that type is one a browser would
       render (an image, HTML, SVG): bytes that are not a real image are
       a download, ``application/octet-stream``.
    """
    head = content[:16]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            if content_type == "application/zip":
                suffix = "." + name.rpartition(".")[2].lower()
                return _OFFICE_TYPES.get(suffix, content_type)
            return content_type
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if guessed.startswith(_RENDERABLE_PREFIXES):
        return "application/octet-stream"
    return guessed


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Zero or more files, each within VENTANILLA_MAX_ATTACHMENT_BYTES."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        files = [super(FilesField, self).clean(i, initial) for i in items if i]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(count)s files."), params={"count": MAX_FILES}
            )
        limit = settings.VENTANILLA_MAX_ATTACHMENT_BYTES
        for upload in files:
            if upload.size is not None and upload.size > limit:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than the limit of %(limit)s."),
                    params={"name": upload.name, "limit": filesizeformat(limit)},
                )
        return files


def new_attachments(files: Sequence[UploadedFile]) -> list[NewAttachment]:
    """Read the uploads into attachments with sanitised names and sniffed
    types; empty files are dropped (an attachment must have content)."""
    result = []
    for upload in files:
        name = safe_filename(upload.name or "adjunto")
        content = upload.read()
        if not content:
            continue
        result.append(
            NewAttachment(
                filename=name,
                content=content,
                content_type=sniff_content_type(name, content),
            )
        )
    return result
