"""A minimal TNEF (winmail.dat) writer for test fixtures.

tnefparse only reads TNEF, and no Outlook is at hand, so the fixture blobs
are written here following the layout in Microsoft's [MS-OXTNEF]: the
signature, then attributes of the form level, id, length, data, checksum.
Message properties and per-attachment properties are MAPI property lists,
as Outlook writes them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

SIGNATURE = 0x223E9F78
LEVEL_MESSAGE = 0x01
LEVEL_ATTACHMENT = 0x02

# Attribute ids: the high word is the attribute type, the low word the id.
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_SUBJECT = 0x00018004
ATT_MSG_PROPS = 0x00069003
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005

PT_LONG = 0x0003
PT_STRING8 = 0x001E
PT_UNICODE = 0x001F
PT_BINARY = 0x0102

PR_BODY = 0x1000
PR_HTML = 0x1013
PR_RTF_COMPRESSED = 0x1009
PR_INTERNET_CPID = 0x3FDE
PR_ATTACH_METHOD = 0x3705
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_MIME_TAG = 0x370E


@dataclass
class TnefFile:
    name: str
    content: bytes
    mime_type: str = ""


def _attribute(level: int, attribute: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return (
        struct.pack("<BII", level, attribute, len(data))
        + data
        + struct.pack("<H", checksum)
    )


def _padded(data: bytes) -> bytes:
    return data + b"\x00" * (-len(data) % 4)


def _prop(prop_type: int, prop_id: int, value: int | str | bytes) -> bytes:
    head = struct.pack("<HH", prop_type, prop_id)
    if prop_type == PT_LONG:
        assert isinstance(value, int)
        return head + struct.pack("<I", value)
    if prop_type == PT_UNICODE:
        assert isinstance(value, str)
        raw = value.encode("utf-16-le") + b"\x00\x00"
    elif prop_type == PT_STRING8:
        assert isinstance(value, str)
        raw = value.encode("cp1252") + b"\x00"
    else:
        assert isinstance(value, bytes)
        raw = value
    return head + struct.pack("<II", 1, len(raw)) + _padded(raw)


def _props(*props: bytes) -> bytes:
    return struct.pack("<I", len(props)) + b"".join(props)


_LZFU_DICTIONARY = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman "
    b"\\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New "
    b"RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
    b"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)
_CRC_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0xEDB88320 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


def _crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def compressed_rtf(rtf: bytes) -> bytes:
    """PR_RTF_COMPRESSED in the LZFu form Outlook writes ([MS-OXRTFCP]).

    Greedy: at each step the longest run (2 to 17 bytes) already in the
    4096-byte dictionary becomes a reference, anything else a literal.
    """
    dictionary = bytearray(4096)
    dictionary[: len(_LZFU_DICTIONARY)] = _LZFU_DICTIONARY
    write = len(_LZFU_DICTIONARY)
    filled = write
    tokens: list[bytes] = []
    flags: list[bool] = []
    position = 0
    while position < len(rtf):
        best_offset, best_length = 0, 0
        for offset in range(filled):
            if offset == write:
                continue
            length = 0
            while (
                length < 17
                and position + length < len(rtf)
                and (offset + length) % 4096 != write
                and dictionary[(offset + length) % 4096] == rtf[position + length]
            ):
                length += 1
            if length > best_length:
                best_offset, best_length = offset, length
        if best_length >= 2:
            word = (best_offset << 4) | (best_length - 2)
            tokens.append(struct.pack(">H", word))
            flags.append(True)
            chunk = rtf[position : position + best_length]
        else:
            tokens.append(rtf[position : position + 1])
            flags.append(False)
            chunk = rtf[position : position + 1]
        for byte in chunk:
            dictionary[write] = byte
            write = (write + 1) % 4096
            filled = min(4096, filled + 1)
        position += len(chunk)
    tokens.append(struct.pack(">H", write << 4))  # the end marker
    flags.append(True)
    body = b""
    for start in range(0, len(tokens), 8):
        control = sum(1 << i for i, f in enumerate(flags[start : start + 8]) if f)
        body += bytes([control]) + b"".join(tokens[start : start + 8])
    header = struct.pack("<III", len(body) + 12, len(rtf), 0x75465A4C)
    return header + struct.pack("<I", _crc(body)) + body


def uncompressed_rtf(rtf: bytes) -> bytes:
    """PR_RTF_COMPRESSED in its stored-as-is form (magic "MELA")."""
    return struct.pack("<IIII", len(rtf) + 12, len(rtf), 0x414C454D, 0) + rtf


def build_tnef(
    *,
    subject: str,
    body: str | None = None,
    html: str | None = None,
    rtf: bytes | None = None,
    files: list[TnefFile] | tuple[TnefFile, ...] = (),
    key: int = 0x4A1B,
) -> bytes:
    out = struct.pack("<IH", SIGNATURE, key)
    out += _attribute(LEVEL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += _attribute(LEVEL_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 1252, 0))
    out += _attribute(LEVEL_MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\x00")
    out += _attribute(LEVEL_MESSAGE, ATT_SUBJECT, subject.encode("cp1252") + b"\x00")
    props = [_prop(PT_LONG, PR_INTERNET_CPID, 1252)]
    if body is not None:
        props.append(_prop(PT_STRING8, PR_BODY, body))
    if html is not None:
        props.append(_prop(PT_BINARY, PR_HTML, html.encode("cp1252")))
    if rtf is not None:
        props.append(_prop(PT_BINARY, PR_RTF_COMPRESSED, compressed_rtf(rtf)))
    out += _attribute(LEVEL_MESSAGE, ATT_MSG_PROPS, _props(*props))
    for item in files:
        # attachment type 1 (file), position -1, no rendering size, no flags
        rend = struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0)
        out += _attribute(LEVEL_ATTACHMENT, ATT_ATTACH_REND_DATA, rend)
        short = item.name.encode("ascii", "replace")[:12] + b"\x00"
        out += _attribute(LEVEL_ATTACHMENT, ATT_ATTACH_TITLE, short)
        out += _attribute(LEVEL_ATTACHMENT, ATT_ATTACH_DATA, item.content)
        attach_props = [
            _prop(PT_LONG, PR_ATTACH_METHOD, 1),
            _prop(PT_UNICODE, PR_ATTACH_LONG_FILENAME, item.name),
        ]
        if item.mime_type:
            attach_props.append(_prop(PT_STRING8, PR_ATTACH_MIME_TAG, item.mime_type))
        out += _attribute(LEVEL_ATTACHMENT, ATT_ATTACHMENT, _props(*attach_props))
    return out
