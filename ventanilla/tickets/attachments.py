"""Storing files and URLs attached to a ticket."""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from ventanilla.core.errors import ActionRefused
from ventanilla.tickets.models import Attachment, Message, Ticket


@dataclass(frozen=True)
class NewAttachment:
    """A file (``content``) or a link (``url``) to attach."""

    filename: str
    content: bytes = b""
    content_type: str = ""
    url: str = ""
    content_id: str = ""


# File systems limit a name to 255 bytes; leave room for the storage's
# de-duplicating suffix.
MAX_NAME_BYTES = 180


def safe_filename(name: str) -> str:
    """Strip any path (both separators) and characters unsafe on disk, and
    shorten the stem so the UTF-8 name fits in MAX_NAME_BYTES."""
    base = PureWindowsPath(PurePosixPath(name).name).name.strip()
    try:
        cleaned = get_valid_filename(base)
    except Exception:  # SuspiciousFileOperation for names like "..".
        cleaned = ""
    cleaned = cleaned or "adjunto"
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or len(extension.encode()) > 16:
        stem, extension = cleaned, ""
    suffix = f".{extension}" if extension else ""
    budget = MAX_NAME_BYTES - len(suffix.encode())
    stem = stem.encode()[:budget].decode("utf-8", "ignore") or "adjunto"
    return stem + suffix


def check_attachments(attachments: Sequence[NewAttachment]) -> None:
    """Refuse the whole write before anything is stored."""
    limit = settings.VENTANILLA_MAX_ATTACHMENT_BYTES
    for item in attachments:
        if bool(item.url) == bool(item.content):
            raise ActionRefused(
                _("An attachment is either a file or a link: “%(name)s”.")
                % {"name": item.filename},
                code="attachment_invalid",
            )
        if len(item.content) > limit:
            raise ActionRefused(
                _("“%(name)s” is larger than the limit of %(limit)s.")
                % {"name": item.filename, "limit": filesizeformat(limit)},
                code="attachment_too_large",
            )


def store_attachments(
    ticket: Ticket,
    message: Message | None,
    attachments: Sequence[NewAttachment],
    *,
    uploaded_by: User | None,
) -> list[Attachment]:
    stored = build_attachments(ticket, message, attachments, uploaded_by=uploaded_by)
    for attachment in stored:
        attachment.save()
    return stored


def build_attachments(
    ticket: Ticket,
    message: Message | None,
    attachments: Sequence[NewAttachment],
    *,
    uploaded_by: User | None,
) -> list[Attachment]:
    """The rows of ``attachments``, not saved yet, their files written
    (for callers that insert many rows at once)."""
    built = []
    for item in attachments:
        name = safe_filename(item.filename)
        attachment = Attachment(
            ticket=ticket,
            message=message,
            filename=name,
            uploaded_by=uploaded_by,
            url=item.url,
            content_id=item.content_id[:250],
            content_type=(
                item.content_type
                or mimetypes.guess_type(name)[0]
                or "application/octet-stream"
            )[:150],
        )
        if item.content:
            attachment.size = len(item.content)
            attachment.sha256 = hashlib.sha256(item.content).hexdigest()
            attachment.file.save(name, ContentFile(item.content), save=False)
        else:
            attachment.content_type = ""
        built.append(attachment)
    return built


# A file is written before its row commits (so that a committed row always
# has its file); a write that rolls back after that leaves the file behind.
# Files younger than this may belong to a write still in flight.
ORPHAN_AGE = dt.timedelta(hours=6)
ATTACHMENTS_DIR = "attachments"


def sweep_orphan_files(
    *, now: dt.datetime, older_than: dt.timedelta = ORPHAN_AGE
) -> list[str]:
    """Delete stored attachment files that no attachment row names and that
    are older than ``older_than``; return their names.

    Reads the upload folders (``attachments/<year>/<month>/``) one at a
    time, with the names the rows of that folder hold. A storage that
    cannot tell a file's age keeps the file.
    """
    storage = Attachment._meta.get_field("file").storage
    cutoff = now - older_than
    deleted: list[str] = []
    for folder in _upload_folders(storage):
        named = set(
            Attachment.objects.filter(file__startswith=f"{folder}/").values_list(
                "file", flat=True
            )
        )
        for filename in storage.listdir(folder)[1]:
            path = f"{folder}/{filename}"
            if path in named:
                continue
            try:
                modified = storage.get_modified_time(path)
            except (NotImplementedError, OSError):
                continue
            if modified < cutoff:
                storage.delete(path)
                deleted.append(path)
    return deleted


def _upload_folders(storage: Any) -> list[str]:
    if not storage.exists(ATTACHMENTS_DIR):
        return []
    folders = []
    for year in sorted(storage.listdir(ATTACHMENTS_DIR)[0]):
        for month in sorted(storage.listdir(f"{ATTACHMENTS_DIR}/{year}")[0]):
            folders.append(f"{ATTACHMENTS_DIR}/{year}/{month}")
    return folders
