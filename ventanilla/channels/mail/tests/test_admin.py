"""Mailboxes are configured in the admin: the IMAP password is write-only
and the HTTP hook's secret is rotated."""

from __future__ import annotations

from ventanilla.channels.mail.actions import create_mailbox, set_imap
from ventanilla.channels.mail.models import Mailbox


def _post(mailbox: Mailbox, **changes: str) -> dict[str, str]:
    data = {
        "address": mailbox.address,
        "name": mailbox.name,
        "pipeline": str(mailbox.pipeline_id),
        "is_connected": "on",
        "imap_host": mailbox.imap_host,
        "imap_port": str(mailbox.imap_port),
        "imap_ssl": "on",
        "imap_username": mailbox.imap_username,
        "imap_password": "",
        "imap_folder": mailbox.imap_folder,
        "imap_done_folder": mailbox.imap_done_folder,
    }
    data.update(changes)
    return data


def test_password_is_never_shown_and_kept_when_left_empty(client, admin, org):
    mailbox = create_mailbox(address="finanzas@example.com", pipeline=org.finanzas)
    set_imap(mailbox, host="imap.example.com", username="fin", password="s3creta")
    mailbox.imap_last_uid = 41
    mailbox.save()
    client.force_login(admin)

    page = client.get(f"/admin/mail/mailbox/{mailbox.pk}/change/")
    assert b"s3creta" not in page.content
    assert mailbox.inbound_token.encode() in page.content

    response = client.post(
        f"/admin/mail/mailbox/{mailbox.pk}/change/", _post(mailbox, name="Finanzas")
    )

    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.imap_secret()) == ("Finanzas", "s3creta")
    assert mailbox.imap_last_uid == 41


def test_a_new_account_starts_polling_from_scratch(client, admin, org):
    mailbox = create_mailbox(address="cobranzas@example.com", pipeline=org.cobranzas)
    set_imap(mailbox, host="imap.example.com", username="cob", password="x")
    mailbox.imap_last_uid = 7
    mailbox.save()
    client.force_login(admin)

    client.post(
        f"/admin/mail/mailbox/{mailbox.pk}/change/",
        _post(mailbox, imap_username="cobranzas", imap_password="nueva"),
    )

    mailbox.refresh_from_db()
    assert (mailbox.imap_username, mailbox.imap_secret()) == ("cobranzas", "nueva")
    assert mailbox.imap_last_uid == 0


def test_admin_adds_a_mailbox_and_rotates_its_hook_secret(client, admin, org):
    client.force_login(admin)

    response = client.post(
        "/admin/mail/mailbox/add/",
        {
            "address": "Operaciones@Example.com",
            "name": "Operaciones",
            "pipeline": str(org.servicio.pk),
            "imap_port": "993",
            "imap_folder": "INBOX",
        },
    )
    assert response.status_code == 302
    mailbox = Mailbox.objects.get(address="operaciones@example.com")
    assert not mailbox.is_connected
    old = mailbox.inbound_token

    client.post(
        "/admin/mail/mailbox/",
        {"action": "rotate_token", "_selected_action": [str(mailbox.pk)]},
    )

    mailbox.refresh_from_db()
    assert mailbox.inbound_token != old
    assert (
        client.post(
            f"/inbound/email/{old}", b"x", content_type="message/rfc822"
        ).status_code
        == 404
    )
