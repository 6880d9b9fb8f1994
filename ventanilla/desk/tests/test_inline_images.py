"""Inline images of a mail show in the thread, through the checked view."""

from __future__ import annotations

import re

from ventanilla.channels.mail.actions import create_mailbox
from ventanilla.channels.mail.ingest import ingest_raw
from ventanilla.channels.mail.models import Via
from ventanilla.channels.mail.tests.support import fixture_bytes
from ventanilla.tickets.models import Attachment


def test_inline_image_is_served_from_the_attachment_view(
    org, client, rosario, settings, tmp_path
):
    # given a mail whose HTML shows an attached image by cid:
    settings.MEDIA_ROOT = tmp_path
    mailbox = create_mailbox(
        address="finanzas@generafactoring.pe", pipeline=org.finanzas
    )
    result = ingest_raw(
        fixture_bytes("inline_image_cid.eml"), mailbox=mailbox, via=Via.PIPE
    )
    html = Attachment.objects.first().ticket.messages.get().body_html
    images = [
        a for a in Attachment.objects.exclude(content_id="") if a.content_id in html
    ]
    assert len(images) == 2

    # when an agent of the pipeline opens the ticket
    client.force_login(rosario)
    page = client.get(f"/desk/tickets/{result.ticket}/").content.decode()

    # then the image points at the access-checked view, not at cid:
    for image in images:
        url = f"/desk/tickets/{result.ticket}/attachments/{image.pk}/"
        assert re.search(rf'<img[^>]+src="{re.escape(url)}"', page)
        assert client.get(url).status_code == 200
    assert "cid:" not in page
