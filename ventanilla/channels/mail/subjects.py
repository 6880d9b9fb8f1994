"""What a subject line says about threading and routing.

* :func:`ticket_token` finds the ticket number that outgoing mail carries
  in the subject (``[#10042]``) so a reply threads even when the client
  dropped In-Reply-To and References (R-CAP-3).
* :func:`strip_prefixes` removes reply and forward prefixes.
* :func:`subject_initial` reads the routing initial of internal requests
  (R-CLS-2): ``FIN: estado de cuenta marzo`` goes to Finanzas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "DEFAULT_INITIALS",
    "strip_prefixes",
    "subject_initial",
    "ticket_token",
]

DEFAULT_INITIALS = ("COB", "OPE", "FIN", "SOP")

# Only inside brackets: a bare "#10042" is as likely an invoice or order
# number as a ticket, and threading on it would append to a stranger's ticket.
_TOKEN = re.compile(r"\[[^\[\]#]{0,30}#\s*(\d{1,9})\s*\]")

# RE, RV (reenviado), FW, FWD, AW (Antwort), R (risposta), TR (transfert),
# WG (weitergeleitet), RES/ENC (Portuguese), with counters
# such as "RE[2]:" or "Re(3):" and a colon with or without spaces.
_PREFIX = re.compile(
    r"^\s*(re|rv|fw|fwd|aw|r|tr|wg|res|enc)\s*(\[\d+\]|\(\d+\))?\s*:\s*",
    re.IGNORECASE,
)
_LEADING_TOKEN = re.compile(r"^\s*\[[^\[\]#]{0,30}#\s*\d{1,9}\s*\]\s*")
_BRACKETED = re.compile(r"^\s*\[\s*([A-Za-z]{2,10})\s*\]")
# "FIN:" or "FIN -"; a hyphen needs a space on one side so that
# "Fin-de-mes" is not read as an initial.
_WORD_THEN_SEPARATOR = re.compile(
    r"^\s*([A-Za-z]{2,10})(?:\s*:|\s+[-\u2013\u2014]|[-\u2013\u2014](?=\s))"
)


def ticket_token(subject: str) -> int | None:
    """The ticket number in ``[#10042]`` (or ``[Ventanilla #10042]``)."""
    match = _TOKEN.search(subject or "")
    return int(match.group(1)) if match else None


def strip_prefixes(subject: str) -> str:
    """``RE: RV:FW: Liquidación`` -> ``Liquidación``."""
    text = subject or ""
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text:
            return text.strip()
        text = stripped


def subject_initial(
    subject: str, initials: Iterable[str] = DEFAULT_INITIALS
) -> str | None:
    """The routing initial of ``subject``, upper-cased, or None.

    The initial is the first word after the reply and forward prefixes (and
    after the ticket token that replies carry), written ``FIN:``,
    ``FIN -`` or ``[FIN]`` in any case. A word that merely begins with an
    initial ("Fin de mes") and initials outside ``initials`` give None.
    """
    known = {initial.upper() for initial in initials}
    text = strip_prefixes(subject)
    while True:
        without_token = strip_prefixes(_LEADING_TOKEN.sub("", text, count=1))
        if without_token == text:
            break
        text = without_token
    match = _BRACKETED.match(text) or _WORD_THEN_SEPARATOR.match(text)
    if not match:
        return None
    word = match.group(1).upper()
    return word if word in known else None
