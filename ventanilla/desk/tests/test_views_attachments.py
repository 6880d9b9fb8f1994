"""Attachment downloads: checked, never sniffed, inline only for images."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def with_files(org, requester):
    ticket = open_test_ticket(
        org.finanzas,
        requester=requester,
        attachments=[
            NewAttachment("factura.html", b"<script>alert(1)</script>", "text/html"),
            NewAttachment("captura.png", PNG, "image/png"),
            NewAttachment("enlace", url="https://docs.example/x"),
        ],
    )
    html, png, link = ticket.attachments.order_by("id")
    return ticket, html, png, link


def _url(ticket, attachment):
    return reverse("desk:attachment", args=[ticket.number, attachment.pk])


def test_files_download_as_attachments_and_are_not_sniffed(as_rosario, with_files):
    ticket, html, _png, _link = with_files
    response = as_rosario.get(_url(ticket, html))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="factura.html"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_images_show_inline(as_rosario, with_files):
    ticket, _html, png, _link = with_files
    response = as_rosario.get(_url(ticket, png))
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_attachments_tab_links_them(as_rosario, with_files):
    ticket, html, png, _link = with_files
    text = as_rosario.get(
        reverse("desk:ticket", args=[ticket.number]) + "?tab=attachments"
    ).content.decode()
    assert _url(ticket, html) in text and _url(ticket, png) in text
    assert "https://docs.example/x" in text


def test_another_teams_agent_gets_404(as_carmen, with_files):
    ticket, html, _png, _link = with_files
    assert as_carmen.get(_url(ticket, html)).status_code == 404


def test_guessed_ids_are_404(as_rosario, org, requester, with_files):
    ticket, html, _png, link = with_files
    other = open_test_ticket(org.finanzas, requester=requester)
    # an attachment of one ticket asked for under another
    assert as_rosario.get(_url(other, html)).status_code == 404
    # an id that does not exist, and a link (nothing to download)
    assert (
        as_rosario.get(
            reverse("desk:attachment", args=[ticket.number, 999999])
        ).status_code
        == 404
    )
    assert as_rosario.get(_url(ticket, link)).status_code == 404
