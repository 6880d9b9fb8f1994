"""A small iCalendar (RFC 5545) writer for the agenda's calendar feed.

Pure functions. Text values are escaped (RFC 5545 §3.3.11: backslash,
semicolon, comma and line breaks), so nothing an agent or a customer
typed can end a component or add a property; every content line is
folded at 75 octets (§3.1) without splitting a UTF-8 character, and lines
end in CRLF.

Each activity is a VEVENT, not a VTODO: the calendar applications agents
subscribe with (Google Calendar, Outlook) show events and drop to-dos.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

CRLF = "\r\n"
LINE_OCTETS = 75
PRODID = "-//Ventanilla//Agenda//ES"


def escape_text(value: str) -> str:
    """A TEXT value: ``\\`` ``;`` ``,`` escaped, every line break as ``\\n``."""
    text = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    # Other control characters are not allowed in TEXT (§3.3.11).
    return "".join(ch for ch in text if ch == "\t" or ord(ch) >= 0x20)


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets; each
    continuation starts with one space (which counts in its 75)."""
    encoded = line.encode()
    if len(encoded) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for ch in line:
        width = len(ch.encode())
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += ch
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


def utc_stamp(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form, e.g. ``20261123T150000Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _uri(value: str) -> str:
    # URIs are not TEXT (no escaping), but must stay on their line.
    return "".join(ch for ch in value if ord(ch) > 0x20 and ch != "\x7f")


@dataclass(frozen=True)
class Entry:
    """One calendar entry, already in words."""

    uid: str
    stamp: dt.datetime
    start: dt.datetime
    duration: dt.timedelta
    summary: str
    description: str = ""
    url: str = ""
    categories: str = ""


def _entry_lines(entry: Entry) -> Iterator[str]:
    yield "BEGIN:VEVENT"
    yield f"UID:{escape_text(entry.uid)}"
    yield f"DTSTAMP:{utc_stamp(entry.stamp)}"
    yield f"DTSTART:{utc_stamp(entry.start)}"
    yield f"DTEND:{utc_stamp(entry.start + entry.duration)}"
    yield f"SUMMARY:{escape_text(entry.summary)}"
    if entry.description:
        yield f"DESCRIPTION:{escape_text(entry.description)}"
    if entry.categories:
        yield f"CATEGORIES:{escape_text(entry.categories)}"
    if entry.url:
        yield f"URL:{_uri(entry.url)}"
    yield "TRANSP:TRANSPARENT"
    yield "END:VEVENT"


def calendar(name: str, entries: Iterable[Entry]) -> str:
    """The whole VCALENDAR document."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for entry in entries:
        lines.extend(_entry_lines(entry))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
