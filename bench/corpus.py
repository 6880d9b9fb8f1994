"""A generated corpus of realistic mail for the ingestion benchmarks.

Deterministic for a seed: N messages from a few dozen senders to the demo's
mailboxes, a share of them replies (In-Reply-To and References to an earlier
message of the corpus), some with attachments, some HTML-only.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

SUBJECTS = [
    "Solicitud de estado de cuenta",
    "Adición de inversión",
    "Rescate parcial de mi inversión",
    "Factura F001-{n} pendiente de pago",
    "Constancia de pago {n}",
    "FIN: conciliación bancaria de {n}",
    "COB: liquidación de la operación {n}",
    "Consulta sobre tasas",
    "Notificación SUNAFIL expediente {n}",
]
BODIES = [
    "Buenos días,\n\nLes escribo para solicitar el estado de cuenta del mes.\n\nSaludos,\n{name}",
    "Estimados:\n\nAdjunto la factura correspondiente al servicio de {n}.\n\nAtentamente,\n{name}",
    "Hola, ¿me confirman la fecha de abono de la liquidación {n}?\n\nGracias.\n{name}",
]
MAILBOXES = ["finanzas@generafactoring.pe", "cobranza@generafactoring.pe"]


def generate(
    directory: Path, count: int, *, replies: float = 0.3, seed: int = 7
) -> list[Path]:
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    senders = [
        (f"Cliente {i}", f"cliente{i}@empresa{i % 17}.example") for i in range(60)
    ]
    start = datetime(2026, 11, 2, 13, 0, tzinfo=UTC)
    paths: list[Path] = []
    ids: list[tuple[str, str, str]] = []  # (message id, subject, sender address)
    for n in range(count):
        message = EmailMessage()
        message_id = f"<corpus-{seed}-{n}@generated.example>"
        if ids and rng.random() < replies:
            parent_id, subject, address = rng.choice(ids)
            name = address.split("@")[0]
            message["Subject"] = f"RE: {subject}"
            message["In-Reply-To"] = parent_id
            message["References"] = parent_id
        else:
            name, address = rng.choice(senders)
            subject = rng.choice(SUBJECTS).format(n=n)
            message["Subject"] = subject
            ids.append((message_id, subject, address))
        message["From"] = f"{name} <{address}>"
        message["To"] = rng.choice(MAILBOXES)
        message["Date"] = format_datetime(start + timedelta(minutes=n))
        message["Message-ID"] = message_id
        body = rng.choice(BODIES).format(n=n, name=name)
        if rng.random() < 0.2:
            message.set_content(
                f"<p>{body.replace(chr(10), '<br>')}</p>", subtype="html"
            )
        else:
            message.set_content(body)
        if rng.random() < 0.15:
            message.add_attachment(
                b"%PDF-1.4 " + bytes(rng.getrandbits(8) for _ in range(2000)),
                maintype="application",
                subtype="pdf",
                filename=f"documento-{n}.pdf",
            )
        path = directory / f"{n:05d}.eml"
        path.write_bytes(bytes(message))
        paths.append(path)
    return paths
