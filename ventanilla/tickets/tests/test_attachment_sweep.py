"""Files left on the storage by writes that rolled back are swept."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ventanilla.tickets.attachments import NewAttachment, sweep_orphan_files
from ventanilla.tickets.models import Attachment
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db


def _age(path: str, hours: float) -> None:
    then = (timezone.now() - dt.timedelta(hours=hours)).timestamp()
    os.utime(default_storage.path(path), (then, then))


def test_only_old_files_no_row_names_are_deleted(org, requester, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = open_test_ticket(
        org.finanzas,
        requester=requester,
        attachments=[NewAttachment("contrato.pdf", b"%PDF-1.4 contrato")],
    )
    kept = Attachment.objects.get(ticket=ticket).file.name
    folder = kept.rsplit("/", 1)[0]
    old_orphan = default_storage.save(f"{folder}/huerfano.pdf", ContentFile(b"x"))
    young_orphan = default_storage.save(f"{folder}/en-curso.pdf", ContentFile(b"y"))
    elsewhere = default_storage.save("attachments/2020/01/viejo.pdf", ContentFile(b"z"))
    for path, hours in (
        (kept, 48),
        (old_orphan, 7),
        (young_orphan, 1),
        (elsewhere, 9999),
    ):
        _age(path, hours)

    deleted = sweep_orphan_files(now=timezone.now())

    assert sorted(deleted) == sorted([old_orphan, elsewhere])
    assert default_storage.exists(kept) and default_storage.exists(young_orphan)
    assert not default_storage.exists(old_orphan)
    assert not default_storage.exists(elsewhere)
    assert sweep_orphan_files(now=timezone.now()) == []


def test_a_rolled_back_upload_is_swept_once_old(org, requester, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        open_test_ticket(
            org.finanzas,
            requester=requester,
            attachments=[NewAttachment("factura.pdf", b"%PDF-1.4 factura")],
        )
        raise Refused
    assert not Attachment.objects.exists()
    [year] = default_storage.listdir("attachments")[0]
    [month] = default_storage.listdir(f"attachments/{year}")[0]
    [left] = default_storage.listdir(f"attachments/{year}/{month}")[1]
    path = f"attachments/{year}/{month}/{left}"

    assert sweep_orphan_files(now=timezone.now()) == []  # too young to tell
    _age(path, 7)
    assert sweep_orphan_files(now=timezone.now()) == [path]


def test_nothing_stored_yet_is_nothing_to_sweep(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert sweep_orphan_files(now=timezone.now()) == []
