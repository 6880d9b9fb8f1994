"""Small builders of raw messages for ingestion tests."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone


def build_mail(
    *,
    subject: str = "Solicitud de estado de cuenta",
    sender: str = "Jorge Salas <jorge.salas@andinas.example>",
    to: str = "finanzas@generafactoring.pe",
    cc: str = "",
    body: str = "Buenos días,\n\n¿Me pueden enviar mi estado de cuenta de marzo?\n\nJorge",
    message_id: str | None = None,
    in_reply_to: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="andinas.example")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content, content_type in attachments:
        maintype, _sep, subtype = content_type.partition("/")
        message.add_attachment(
            content, maintype=maintype, subtype=subtype, filename=filename
        )
    return bytes(message)
