"""Split a message's new text from the quoted history and the signature.

The display folds the quoted part (R-CAP-3): it is kept, never dropped.
``split_quoted`` cuts the text in two at the first line that starts the
history or the signature, so every non-blank line of the input is in one
of the two halves, in its original order.

Markers, in Spanish and English (with the French, Portuguese and German
attribution lines Outlook and Gmail produce for staff abroad):

* attribution lines, also when the client wrapped them over up to three
  lines: ``El lun, 3 mar 2025 a las 10:00, Fulano <x@y> escribió:``,
  ``On Mon, Mar 3, 2025 at 10:00 AM Fulano <x@y> wrote:``;
* Outlook separators: ``-----Mensaje original-----``,
  ``-----Original Message-----``, and header blocks
  ``De: / Enviado: / Para: / Asunto:`` or ``From: / Sent: / To: / Subject:``,
  with the underscore rule Outlook draws above them;
* a trailing run of lines starting with ``>``;
* the signature delimiter ``-- `` and mobile signatures such as
  ``Enviado desde mi iPhone`` or ``Sent from my iPhone``.

A forward marker ("---------- Mensaje reenviado ---------") and the header
block right after it are not quote markers: the forwarded message is what
the sender wants read. Outlook writes forwards without such a marker, so
its forwards fold like its replies.
"""

from __future__ import annotations

import re

__all__ = ["split_quoted"]

# Bounds keep every pattern linear on hostile input.
_MAX_ATTRIBUTION_CHARS = 400
_HEADER_BLOCK_LINES = 8

_ATTRIBUTION_END = re.compile(
    r"(escribi[óo]|wrote|a [ée]crit|escreveu|schrieb)\s*:\s*$", re.IGNORECASE
)
_ATTRIBUTION_START = re.compile(r"^\s*(el|on|le|em|am)\s", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(mensaje original|original message|message d'origine|"
    r"mensagem original|urspr[üu]ngliche nachricht)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^\s*(-{2,}\s*(mensaje reenviado|forwarded message|message transf[ée]r[ée]|"
    r"mensagem encaminhada|weitergeleitete nachricht)\s*-{2,}|"
    # Apple Mail writes its forward marker without dashes.
    r"(begin forwarded message|inicio del mensaje reenviado)\s*:)\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_HEADER_KEY = re.compile(
    r"^\s*\*?\s*(de|from|enviado(?: el)?|sent|fecha|date|para|to|cc|asunto|"
    r"subject|importancia|importance)\s*\*?\s*:",
    re.IGNORECASE,
)
_FROM_KEYS = frozenset({"de", "from"})
_SUBJECT_KEYS = frozenset({"asunto", "subject"})
_WHEN_OR_TO_KEYS = frozenset(
    {"enviado", "enviado el", "sent", "fecha", "date", "para", "to"}
)
_SIGNATURE = re.compile(r"^--\s*$")
_MOBILE_SIGNATURE = re.compile(
    r"^\s*((enviado|env[íi]o) desde (mi|el|un) .{1,40}|sent from (my|an?) .{1,40}|"
    r"obtener outlook para .{1,20}|get outlook for .{1,20}|"
    r"enviado desde correo para windows|sent from mail for windows)\s*$",
    re.IGNORECASE,
)


def split_quoted(text: str) -> tuple[str, str]:
    """Return ``(new_text, quoted_text)``.

    When the cut would leave nothing new (a reply that is only a quote, or
    a bare forward that opens with an Outlook header block) the whole text
    is returned as new: an empty visible body would hide the request.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _first_marker(lines)
    if cut is None:
        return _trim(lines), ""
    new, quoted = _trim(lines[:cut]), _trim(lines[cut:])
    if not new:
        return _trim(lines), ""
    return new, quoted


def _trim(lines: list[str]) -> str:
    """Join lines, dropping only blank lines at both ends."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def _first_marker(lines: list[str]) -> int | None:
    quote_run = _trailing_quote_run(lines)
    forwarded_header_until = -1
    for index, line in enumerate(lines):
        if quote_run is not None and index >= quote_run:
            return quote_run
        if not line.strip():
            continue
        if _FORWARD.match(line):
            # The header block of the forwarded message is content too.
            forwarded_header_until = index + _HEADER_BLOCK_LINES
            continue
        if (
            _SIGNATURE.match(line)
            or _MOBILE_SIGNATURE.match(line)
            or _ORIGINAL_MESSAGE.match(line)
            or _is_attribution(lines, index)
        ):
            return index
        if index <= forwarded_header_until:
            continue
        if _RULE.match(line) and _is_header_block(lines, _next_filled(lines, index)):
            return index
        if _is_header_block(lines, index):
            return index
    return quote_run


def _next_filled(lines: list[str], index: int) -> int:
    index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _is_attribution(lines: list[str], index: int) -> bool:
    """An attribution line, possibly wrapped over up to three lines."""
    joined = ""
    for offset in range(3):
        if index + offset >= len(lines):
            return False
        part = lines[index + offset].strip()
        if not part or part.startswith(">"):
            return False
        if offset and (joined[-1] in ".!?" or _ATTRIBUTION_START.match(part)):
            # A finished sentence, or an attribution starting on the next
            # line: this line is new text, not the head of a wrapped one.
            return False
        joined = f"{joined} {part}".strip()
        if len(joined) > _MAX_ATTRIBUTION_CHARS:
            return False
        if _ATTRIBUTION_END.search(joined):
            return bool(_ATTRIBUTION_START.match(joined) or "@" in joined)
    return False


def _header_key(line: str) -> str | None:
    match = _HEADER_KEY.match(line)
    return " ".join(match.group(1).lower().split()) if match else None


def _is_header_block(lines: list[str], index: int) -> bool:
    """``De:`` followed by ``Asunto:`` and a date or recipient line."""
    if index >= len(lines) or _header_key(lines[index]) not in _FROM_KEYS:
        return False
    keys = {
        _header_key(line) for line in lines[index + 1 : index + _HEADER_BLOCK_LINES]
    }
    return bool(keys & _SUBJECT_KEYS) and bool(keys & _WHEN_OR_TO_KEYS)


def _trailing_quote_run(lines: list[str]) -> int | None:
    """Start of the run of ``>`` lines (and blanks) that ends the text.

    Quotes interleaved with new text (an inline answer) stay in the new
    text: the answers need their context.
    """
    start = None
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].strip()
        if stripped.startswith(">"):
            start = index
        elif stripped:
            break
    return start
