"""Helpers shared by the mail tests; the fixtures are real .eml files."""

from __future__ import annotations

from pathlib import Path

from ventanilla.channels.mail.parsing import ParsedMail, parse

FIXTURES = Path(__file__).parent / "fixtures" / "mail"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parsed(name: str) -> ParsedMail:
    return parse(fixture_bytes(name))


def all_fixture_names() -> list[str]:
    return sorted(p.name for p in FIXTURES.glob("*.eml"))


def build_mail(
    *,
    subject: str = "Consulta sobre mi inversión",
    sender: str = "Jorge Salas <jorge.salas@andinas.example>",
    headers: tuple[tuple[str, str], ...] = (),
    body: str = "Buenos días, ¿me confirman el abono de la liquidación?",
    content_type: str = "text/plain; charset=utf-8",
) -> ParsedMail:
    """A small real message, for tables of header combinations."""
    lines = [
        f"From: {sender}",
        "To: finanzas@generafactoring.pe",
        f"Subject: {subject}",
        "Date: Mon, 3 Mar 2025 10:00:00 -0500",
        "Message-ID: <tabla.1@andinas.example>",
        "MIME-Version: 1.0",
        f"Content-Type: {content_type}",
        "Content-Transfer-Encoding: 8bit",
        *(f"{name}: {value}" for name, value in headers),
    ]
    return parse(("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode("utf-8"))
