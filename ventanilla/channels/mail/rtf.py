"""Read the RTF body that Outlook puts in winmail.dat.

Outlook often sends the body of a winmail.dat only as compressed RTF
(PR_RTF_COMPRESSED). tnefparse hands over the compressed bytes; this module
turns them into something a ticket can show:

1. :func:`decompress` undoes the compression of [MS-OXRTFCP]: the stored
   form ("MELA") and the LZ77 form ("LZFu").
2. :func:`rtf_to_html` recovers the HTML that RTF produced from HTML
   (``\\fromhtml1``, [MS-OXRTFEX]) encapsulates, or returns None.
3. :func:`rtf_to_text` reads the visible text of ordinary RTF.

Like the rest of the parsing layer these never raise on bad input: they
return what they could read.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, replace

__all__ = ["decompress", "rtf_to_html", "rtf_to_text"]

# Decompressed bodies larger than this are cut: mail bodies are far smaller,
# and the size field of hostile input must not decide memory use.
MAX_RTF_BYTES = 8 * 1024 * 1024

_MAGIC_STORED = 0x414C454D  # "MELA"
_MAGIC_COMPRESSED = 0x75465A4C  # "LZFu"
# The dictionary starts filled with this text, as [MS-OXRTFCP] defines it.
_INITIAL_DICTIONARY = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman "
    b"\\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New "
    b"RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
    b"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)
_DICTIONARY_SIZE = 4096


def decompress(data: bytes) -> bytes:
    """The RTF inside a PR_RTF_COMPRESSED value (empty if unreadable)."""
    if len(data) < 16:
        return b""
    size, raw_size, magic, _crc = struct.unpack_from("<IIII", data)
    raw_size = min(raw_size, MAX_RTF_BYTES)
    if magic == _MAGIC_STORED:
        return data[16 : 16 + raw_size]
    if magic != _MAGIC_COMPRESSED:
        return b""
    dictionary = bytearray(_DICTIONARY_SIZE)
    dictionary[: len(_INITIAL_DICTIONARY)] = _INITIAL_DICTIONARY
    write = len(_INITIAL_DICTIONARY)
    out = bytearray()
    position, end = 16, min(len(data), size + 4)
    while position < end and len(out) < raw_size:
        control = data[position]
        position += 1
        for bit in range(8):
            if position >= end:
                break
            if not control & (1 << bit):
                byte = data[position]
                position += 1
                out.append(byte)
                dictionary[write] = byte
                write = (write + 1) % _DICTIONARY_SIZE
                continue
            if position + 1 >= end:
                return bytes(out[:raw_size])
            word = data[position] << 8 | data[position + 1]
            position += 2
            offset, length = word >> 4, (word & 0xF) + 2
            if offset == write:  # the end marker
                return bytes(out[:raw_size])
            for step in range(length):
                byte = dictionary[(offset + step) % _DICTIONARY_SIZE]
                out.append(byte)
                dictionary[write] = byte
                write = (write + 1) % _DICTIONARY_SIZE
    return bytes(out[:raw_size])


def rtf_to_html(rtf: bytes) -> str | None:
    """The HTML encapsulated in ``rtf``, or None if it is not encapsulated."""
    if b"\\fromhtml" not in rtf[:1024]:
        return None
    return _Reader(rtf, html=True).read()


def rtf_to_text(rtf: bytes) -> str:
    text = _Reader(rtf, html=False).read()
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word, optional parameter
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the document's code page
    rb"|\\(.)"  # control symbol
    rb"|([{}])"
    rb"|([^\\{}\r\n]+)"  # plain text
    rb"|[\r\n]+",  # line breaks in the source mean nothing
    re.S,
)
# Groups whose content is not document text.
_SKIPPED_DESTINATIONS = frozenset(
    {
        "fonttbl",
        "colortbl",
        "stylesheet",
        "info",
        "pict",
        "object",
        "header",
        "headerl",
        "headerr",
        "headerf",
        "footer",
        "footerl",
        "footerr",
        "footerf",
        "listtable",
        "listoverridetable",
        "revtbl",
        "rsidtbl",
        "generator",
        "xmlnstbl",
        "themedata",
        "colorschememapping",
        "datastore",
        "latentstyles",
        "fldinst",
        "filetbl",
        "pgdsctbl",
        "mmathPr",
        "nonshppict",
    }
)
_TEXT_WORDS = {
    "par": "\n",
    "line": "\n",
    "row": "\n",
    "sect": "\n",
    "page": "\n",
    "tab": "\t",
    "cell": " ",
    "emdash": "\u2014",
    "endash": "\u2013",
    "bullet": "\u2022",
    "lquote": "\u2018",
    "rquote": "\u2019",
    "ldblquote": "\u201c",
    "rdblquote": "\u201d",
    "emspace": " ",
    "enspace": " ",
}
_SYMBOLS = {b"~": " ", b"_": "-", b"-": "", b"\\": "\\", b"{": "{", b"}": "}"}


@dataclass(frozen=True)
class _Group:
    skip: bool = False
    unicode_skip: int = 1
    html_tag: bool = False
    html_rtf: bool = False


class _Reader:
    """One pass over the RTF tokens, keeping per-group state on a stack."""

    def __init__(self, rtf: bytes, *, html: bool) -> None:
        self.rtf = rtf[:MAX_RTF_BYTES]
        self.html = html
        self.codepage = "cp1252"
        self.out: list[str] = []
        self.pending = bytearray()
        self.skip_chars = 0

    def read(self) -> str:
        group = _Group()
        stack: list[_Group] = []
        group_start = False
        ignorable = False
        for match in _TOKEN.finditer(self.rtf):
            word, param, hex_byte, symbol, brace, text = match.groups()
            if brace == b"{":
                stack.append(group)
                group_start, ignorable = True, False
                continue
            if brace == b"}":
                self._flush()
                group = stack.pop() if stack else _Group()
                group_start = ignorable = False
                continue
            if symbol == b"*":
                ignorable = True
                continue
            if word is not None:
                group = self._control(
                    word.decode("ascii"), param, group, group_start, ignorable
                )
                group_start = ignorable = False
                continue
            group_start = ignorable = False
            if hex_byte is not None:
                if self.skip_chars:
                    self.skip_chars -= 1
                elif self._visible(group):
                    self.pending.append(int(hex_byte, 16))
            elif symbol is not None:
                self._emit(group, _SYMBOLS.get(symbol, ""), literal=True)
            elif text is not None:
                self._emit(group, text.decode("latin-1"), literal=True)
        self._flush()
        return "".join(self.out)

    def _control(
        self,
        word: str,
        param: bytes | None,
        group: _Group,
        group_start: bool,
        ignorable: bool,
    ) -> _Group:
        value = int(param) if param is not None else None
        if word == "ansicpg" and value:
            self.codepage = f"cp{value}"
            return group
        if word == "uc" and value is not None:
            return replace(group, unicode_skip=max(0, min(value, 10)))
        if word == "htmlrtf":
            return replace(group, html_rtf=value != 0)
        if group_start and word == "htmltag" and self.html:
            return replace(group, html_tag=True)
        if group_start and (ignorable or word in _SKIPPED_DESTINATIONS):
            return replace(group, skip=True)
        if word == "u" and value is not None:
            self._emit(group, chr(value % 65536) if value % 65536 < 0xD800 or
                       value % 65536 >= 0xE000 else "\ufffd")  # fmt: skip
            self.skip_chars = group.unicode_skip
            return group
        if word in _TEXT_WORDS:
            self._emit(group, "\r\n" if self.html and word == "par" else
                       _TEXT_WORDS[word])  # fmt: skip
        return group

    def _visible(self, group: _Group) -> bool:
        if group.skip:
            return False
        if self.html:
            return group.html_tag or not group.html_rtf
        return True

    def _emit(self, group: _Group, text: str, *, literal: bool = False) -> None:
        if literal and self.skip_chars:
            # Characters standing in for the preceding \u character.
            dropped = min(self.skip_chars, len(text))
            self.skip_chars -= dropped
            text = text[dropped:]
        if not text or not self._visible(group):
            return
        self._flush()
        self.out.append(text)

    def _flush(self) -> None:
        if not self.pending:
            return
        try:
            self.out.append(bytes(self.pending).decode(self.codepage))
        except (LookupError, UnicodeDecodeError):
            self.out.append(bytes(self.pending).decode("cp1252", "replace"))
        self.pending.clear()
