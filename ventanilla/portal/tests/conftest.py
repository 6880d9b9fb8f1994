"""Portal fixtures: signed-in customer clients and tickets of two companies."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from ventanilla.directory.models import Contact
from ventanilla.tickets import actions
from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.tests.factories import open_test_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_admin(cliente_admin: User) -> Client:
    return signed_in(cliente_admin)


@pytest.fixture
def as_cliente(cliente: User) -> Client:
    return signed_in(cliente)


@pytest.fixture
def as_outsider(outsider: User) -> Client:
    return signed_in(outsider)


@pytest.fixture
def andinas_ticket(org: Any, requester: Contact) -> Ticket:
    """Jorge Salas's (``cliente``) ticket, with a file and an internal note."""
    ticket = open_test_ticket(
        org.finanzas,
        requester=requester,
        subject="Estado de cuenta de marzo",
        attachments=[
            NewAttachment(filename="factura.pdf", content=b"%PDF-1.4 factura")
        ],
    )
    return ticket


@pytest.fixture
def textiles_ticket(org: Any, outsider: User) -> Ticket:
    """A ticket of the other company, with a file."""
    contact = outsider.customer.contact
    return open_test_ticket(
        org.cobranzas,
        requester=contact,
        subject="Liquidación de Textiles del Sur",
        attachments=[NewAttachment(filename="secreto.png", content=PNG)],
    )


def note(ticket: Ticket, author: User, text: str) -> None:
    actions.add_note(
        ticket,
        author=author,
        body_text=text,
        attachments=[NewAttachment(filename="interno.txt", content=b"solo agentes")],
    )


# -- real browser (Debian's Chromium; see SETUP-NOTES, never a download) -----

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("chromium-home")  # keeps ~/.config, ~/.cache clean
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "c"),
        "XDG_CACHE_HOME": str(home / "k"),
    }
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
        "env": env,
    }
