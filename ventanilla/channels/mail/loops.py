"""Loop and noise control for inbound mail (R-CAP-6, after RFC 3834).

:func:`classify` looks at one parsed message and says what kind of mail it
is. What each kind means for the caller:

===============  ============  ========================================
kind             opens ticket  automatic acknowledgement
===============  ============  ========================================
ok               yes           yes
auto_generated   yes           no (a notice that asks us to act: SUNAT's
                               electronic mailbox, a SUNAFIL order, a
                               bank alert)
auto_reply       no            no (stored, attached where it belongs)
bounce           no            no (stored, attached where it belongs)
bulk             no            no (suppressed unless a rule admits it)
===============  ============  ========================================

Mail storms need the history of a sender, so they are detected where the
database is, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ventanilla.channels.mail.parsing import ParsedMail
from ventanilla.channels.mail.quoting import split_quoted
from ventanilla.channels.mail.subjects import strip_prefixes

__all__ = ["NEVER_OPENS_TICKETS", "LoopKind", "LoopVerdict", "classify"]


class LoopKind(StrEnum):
    OK = "ok"
    AUTO_GENERATED = "auto_generated"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    BULK = "bulk"


# Stored and attached where they belong, but never a new ticket. Bulk mail
# can still be admitted by a routing rule.
NEVER_OPENS_TICKETS = frozenset({LoopKind.AUTO_REPLY, LoopKind.BOUNCE, LoopKind.BULK})


@dataclass(frozen=True)
class LoopVerdict:
    kind: LoopKind
    reason: str = ""

    @property
    def opens_ticket(self) -> bool:
        return self.kind not in NEVER_OPENS_TICKETS

    @property
    def may_acknowledge(self) -> bool:
        return self.kind is LoopKind.OK


_DAEMON_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster", "mail-daemon"})
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliver(ed|able)|delivery status notification|"
    r"mail delivery (failed|failure|subsystem)|returned mail|failure notice|"
    r"delivery (failure|has failed)|no se puede entregar|no se pudo entregar|"
    r"mensaje no entregado|error de entrega|"
    r"notificaci[óo]n de estado de (la )?entrega)",
    re.IGNORECASE,
)
_OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^\[?\s*(respuesta autom[áa]tica|autorespuesta|auto-respuesta|"
    r"automatic reply|auto[- ]?reply|auto[- ]?response|autoresponder|"
    r"out of (the )?office|fuera de (la )?oficina|ausente de la oficina|"
    r"vacation reply|r[ée]ponse automatique|resposta autom[áa]tica|"
    r"abwesenheitsnotiz)",
    re.IGNORECASE,
)
_OUT_OF_OFFICE_BODY = re.compile(
    r"(fuera de (la )?oficina|respuesta autom[áa]tica|"
    r"out of (the )?office|automatic reply|auto-?reply|"
    r"acceso limitado (a mi |al )?correo|limited access to (my )?e-?mail|"
    r"(estar[ée]|me encuentro|estoy) (fuera|ausente|de vacaciones|de licencia)|"
    r"no (me encuentro|estar[ée]|estoy) en la oficina|"
    r"i(?: am|'m| will be|'ll be) (currently )?(out|away|on leave|on vacation))",
    re.IGNORECASE,
)
# An auto-reply says where the person is, not what they need; a question
# means a person wrote it, even one who mentions being away.
_BODY_HEAD_CHARS = 600
_BODY_MAX_CHARS = 1500


def classify(message: ParsedMail) -> LoopVerdict:
    """The kind of ``message``, with the first reason found.

    Order matters: a bounce can carry auto-reply headers, an auto-reply can
    come from a list server, and a bulk notice can be auto-generated; the
    kind that does least (no ticket, no answer) wins.
    """
    for check in (_bounce, _auto_reply, _bulk, _auto_generated):
        verdict = check(message)
        if verdict is not None:
            return verdict
    return LoopVerdict(LoopKind.OK)


def _header(message: ParsedMail, name: str) -> str:
    return message.headers.get(name, "").strip().lower()


def _bounce(message: ParsedMail) -> LoopVerdict | None:
    if message.content_type == "multipart/report":
        report = message.report_type or ""
        if report == "delivery-status":
            return LoopVerdict(LoopKind.BOUNCE, "delivery status report (DSN)")
        if report != "disposition-notification":
            return LoopVerdict(LoopKind.BOUNCE, f"report of type {report or '?'}")
    local_part = message.from_address.split("@", 1)[0]
    if local_part in _DAEMON_LOCAL_PARTS:
        return LoopVerdict(LoopKind.BOUNCE, f"sent by {local_part}")
    if _header(message, "x-failed-recipients"):
        return LoopVerdict(LoopKind.BOUNCE, "X-Failed-Recipients header")
    # Delivery reports travel with an empty envelope sender (RFC 3464); a
    # person's "No entregado: ..." complaint does not.
    null_sender = _header(message, "return-path") == "<>"
    machine = null_sender or message.auto_submitted not in (None, "no")
    if machine and _BOUNCE_SUBJECT.match(message.subject):
        return LoopVerdict(LoopKind.BOUNCE, "delivery failure subject")
    return None


def _auto_reply(message: ParsedMail) -> LoopVerdict | None:
    if message.auto_submitted == "auto-replied":
        return LoopVerdict(LoopKind.AUTO_REPLY, "Auto-Submitted: auto-replied")
    if message.report_type == "disposition-notification":
        return LoopVerdict(LoopKind.AUTO_REPLY, "read receipt (MDN)")
    for name, label in (
        ("x-autoreply", "X-Autoreply"),
        ("x-autorespond", "X-Autorespond"),
    ):
        value = _header(message, name)
        if value and value not in ("no", "false", "0"):
            return LoopVerdict(LoopKind.AUTO_REPLY, f"{label} header")
    if _header(message, "x-autogenerated") == "reply":
        return LoopVerdict(LoopKind.AUTO_REPLY, "X-Autogenerated: Reply")
    if message.precedence == "auto_reply":
        return LoopVerdict(LoopKind.AUTO_REPLY, "Precedence: auto_reply")
    subject = strip_prefixes(message.subject)
    match = _OUT_OF_OFFICE_SUBJECT.match(subject)
    if match:
        return LoopVerdict(
            LoopKind.AUTO_REPLY, f"out-of-office subject: {match.group(1)!r}"
        )
    return _out_of_office_body(message)


def _out_of_office_body(message: ParsedMail) -> LoopVerdict | None:
    new_text, _ = split_quoted(message.body_text)
    if len(new_text) > _BODY_MAX_CHARS or "?" in new_text or "¿" in new_text:
        return None
    match = _OUT_OF_OFFICE_BODY.search(" ".join(new_text[:_BODY_HEAD_CHARS].split()))
    if match:
        return LoopVerdict(
            LoopKind.AUTO_REPLY, f"out-of-office text: {match.group(1)!r}"
        )
    return None


def _bulk(message: ParsedMail) -> LoopVerdict | None:
    if message.precedence in ("bulk", "list", "junk"):
        return LoopVerdict(LoopKind.BULK, f"Precedence: {message.precedence}")
    if message.list_id:
        return LoopVerdict(LoopKind.BULK, "List-Id header")
    if message.list_unsubscribe:
        return LoopVerdict(LoopKind.BULK, "List-Unsubscribe header")
    return None


def _auto_generated(message: ParsedMail) -> LoopVerdict | None:
    if message.auto_submitted not in (None, "no"):
        return LoopVerdict(
            LoopKind.AUTO_GENERATED, f"Auto-Submitted: {message.auto_submitted}"
        )
    # The sender asks not to be answered automatically. Alone it marks
    # system notices rather than auto-replies (Exchange adds Auto-Submitted
    # to its own out-of-office replies), so the notice still opens a ticket,
    # without an acknowledgement.
    if _header(message, "x-auto-response-suppress"):
        return LoopVerdict(LoopKind.AUTO_GENERATED, "X-Auto-Response-Suppress header")
    if _header(message, "x-autogenerated"):
        return LoopVerdict(LoopKind.AUTO_GENERATED, "X-Autogenerated header")
    return None
