"""IMAP passwords and other secrets we hand to other servers are encrypted
at rest and survive a key rotation."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from ventanilla.channels.mail.actions import create_mailbox, set_imap
from ventanilla.channels.mail.models import Mailbox
from ventanilla.core.sealing import Unsealable, is_sealed, seal, unseal


def test_sealed_values_open_and_do_not_show_the_secret():
    stored = seal("clave-de-correo ñ")

    assert is_sealed(stored)
    assert "clave" not in stored
    assert unseal(stored) == "clave-de-correo ñ"
    assert seal("x") != seal("x")  # a fresh nonce each time
    assert seal("") == ""
    assert unseal("legado en claro") == "legado en claro"


def test_a_rotated_key_still_opens_old_values(settings):
    settings.VENTANILLA_SEALING_KEY = "primera"
    stored = seal("s3creta")

    settings.VENTANILLA_SEALING_KEY = "segunda"
    with pytest.raises(Unsealable):
        unseal(stored)
    settings.VENTANILLA_OLD_SEALING_KEYS = ["primera"]
    assert unseal(stored) == "s3creta"


def test_the_database_holds_no_clear_password(org):
    mailbox = create_mailbox(address="finanzas@example.com", pipeline=org.finanzas)
    set_imap(mailbox, host="imap.example.com", username="fin", password="s3creta")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT imap_password FROM mail_mailbox WHERE id = %s", [mailbox.pk]
        )
        (raw,) = cursor.fetchone()
    assert "s3creta" not in raw
    assert Mailbox.objects.get(pk=mailbox.pk).imap_secret() == "s3creta"


def test_the_migration_seals_passwords_stored_in_clear(org):
    mailbox = create_mailbox(address="cobranzas@example.com", pipeline=org.cobranzas)
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password="en-claro")
    migration = importlib.import_module(
        "ventanilla.channels.mail.migrations.0004_seal_imap_passwords"
    )
    from django.apps import apps

    migration.seal_stored_passwords(apps, None)
    migration.seal_stored_passwords(apps, None)  # twice: nothing double-sealed

    mailbox.refresh_from_db()
    assert is_sealed(mailbox.imap_password)
    assert mailbox.imap_secret() == "en-claro"
