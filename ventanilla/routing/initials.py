"""Subject initials of internal requests (R-CLS-2).

Staff write ``FIN: estado de cuenta marzo`` so that the request goes to
Finanzas. The initial is the first word of the subject once reply and
forward prefixes (and the ticket token our own mail carries) are removed,
written ``FIN:``, ``FIN -`` or ``[FIN]`` in any case. A word that only
begins with those letters ("Fin de mes") is not an initial.

Pure functions: no database, no settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# The initials SPEC R-CLS-2 names; rules may add more.
DEFAULT_INITIALS = frozenset({"COB", "OPE", "FIN", "SOP"})

# RE:, RV: (Outlook's "reenviado"), FW:, FWD:, in any case, with an
# optional counter ("RE[2]:") and spaces around the colon.
_PREFIX = re.compile(r"^\s*(?:re|rv|fw|fwd)\s*(?:\[\d+\])?\s*:\s*", re.IGNORECASE)
# Our ticket token, as replies to our mail carry it: "[#10042]".
_TOKEN = re.compile(r"^\s*\[[^\[\]#]{0,30}#\s*\d{1,9}\s*\]\s*")
_BRACKETED = re.compile(r"^\s*\[\s*([^\W\d_]{2,10})\s*\]")
# "FIN:" (spaces allowed before the colon), "FIN -", "FIN- " (a dash needs
# a space on at least one side, so "Fin-de-mes" is not an initial).
_SEPARATED = re.compile(
    r"^\s*([^\W\d_]{2,10})(?:\s*:|\s+[-\u2013\u2014]|[-\u2013\u2014](?=\s|$))"
)
# An unknown initial is only recognised when it looks like one: two to five
# capitals. "Hola: ..." and "Consulta - ..." are ordinary subjects.
_LOOKS_LIKE_INITIAL = re.compile(r"^[A-Z]{2,5}$")


@dataclass(frozen=True)
class SubjectInitial:
    """The initial read from a subject; ``known`` if a rule or R-CLS-2 names it."""

    code: str
    known: bool


def strip_reply_prefixes(subject: str) -> str:
    """``RE: RV:fw: Liquidación`` -> ``Liquidación``; also drops ``[#10042]``."""
    text = subject or ""
    while True:
        stripped = _TOKEN.sub("", _PREFIX.sub("", text, count=1), count=1)
        if stripped == text:
            return text.strip()
        text = stripped


def read_initial(
    subject: str, known: Iterable[str] = DEFAULT_INITIALS
) -> SubjectInitial | None:
    """The initial of ``subject``, or None when it has none.

    1. Strip reply/forward prefixes and the ticket token.
    2. Take the first word if it is written in one of the three forms.
    3. A known initial matches in any case; an unknown one only when it is
       written in capitals (so ordinary words before a colon are ignored).
    """
    text = strip_reply_prefixes(subject)
    match = _BRACKETED.match(text) or _SEPARATED.match(text)
    if match is None:
        return None
    word = match.group(1)
    code = word.upper()
    if code in {initial.upper() for initial in known}:
        return SubjectInitial(code, known=True)
    if _LOOKS_LIKE_INITIAL.match(word):
        return SubjectInitial(code, known=False)
    return None
