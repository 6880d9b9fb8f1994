"""Property tests: mangled real mail through ``ingest_raw`` (R-CAP-4).

Whatever bytes arrive, nothing escapes to the caller and the bytes end as
exactly one stored InboundMessage with a final outcome (created, appended,
suppressed or quarantined; never left ``received``). The same bytes again
are a ``duplicate`` of that row and store nothing new.

Each example runs inside a savepoint that is rolled back, so examples do
not see each other (no storm or duplicate from an earlier example) and a
failing example replays the same way while Hypothesis shrinks it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ventanilla.channels.mail.ingest import ingest_many, ingest_raw
from ventanilla.channels.mail.models import InboundMessage, Outcome, Via
from ventanilla.channels.mail.parsing import raw_sha256
from ventanilla.channels.mail.tests.support import all_fixture_names, fixture_bytes
from ventanilla.tickets.models import Ticket

# Seeds larger than this (huge_header.eml, 400 KB) only slow every example.
_MAX_SEED_BYTES = 64 * 1024
SEEDS = [
    raw
    for raw in (fixture_bytes(name) for name in all_fixture_names())
    if len(raw) <= _MAX_SEED_BYTES
]
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_BOUNDARY = re.compile(rb"""boundary\s*=\s*"?([^";\r\n]{1,100})""", re.I)
_LINE_START = re.compile(rb"(?:^|\n)")

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def _header_block(raw: bytes) -> bytes:
    end = _HEADER_END.search(raw)
    return raw[: end.start()] if end else raw


def _line_starts(raw: bytes) -> list[int]:
    return sorted({m.end() for m in _LINE_START.finditer(raw)}) or [0]


@st.composite
def mangled_mail(draw: st.DrawFn) -> bytes:
    """A real fixture cut, flipped, spliced and salted; or plain random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2048))
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(
            st.sampled_from(
                [
                    "truncate",
                    "flip",
                    "splice_headers",
                    "duplicate_boundary",
                    "nul",
                    "random_bytes",
                    "cut",
                ]
            )
        )
        at = draw(st.integers(0, len(raw)))
        if operation == "truncate":
            del raw[at:]
        elif operation == "flip" and raw:
            for _ in range(draw(st.integers(1, 8))):
                raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        elif operation == "splice_headers":
            # another message's header block, at a line start of this one
            other = _header_block(draw(st.sampled_from(SEEDS)))
            where = draw(st.sampled_from(_line_starts(bytes(raw))))
            raw[where:where] = other + b"\r\n"
        elif operation == "duplicate_boundary":
            found = _BOUNDARY.search(raw)
            boundary = found.group(1) if found else b"frontera"
            delimiter = draw(
                st.sampled_from(
                    [
                        b"--" + boundary + b"\r\n",
                        b"--" + boundary + b"--\r\n",
                        b"--" + boundary + b"\r\n--" + boundary + b"\r\n",
                        b"--" + boundary + b"\r\nContent-Type: multipart/mixed; "
                        b'boundary="' + boundary + b'"\r\n\r\n',
                    ]
                )
            )
            where = draw(st.sampled_from(_line_starts(bytes(raw))))
            raw[where:where] = delimiter * draw(st.integers(1, 3))
        elif operation == "nul":
            raw[at:at] = b"\x00" * draw(st.integers(1, 16))
        elif operation == "random_bytes":
            raw[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif operation == "cut":
            del raw[at : at + draw(st.integers(1, 512))]
    return bytes(raw)


@contextmanager
def _rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _assert_finished(raw: bytes, result) -> InboundMessage:
    (row,) = InboundMessage.objects.filter(sha256=raw_sha256(raw))
    assert row.pk == result.inbound_id
    assert bytes(row.raw) == raw
    assert row.outcome != Outcome.RECEIVED
    assert result.outcome == row.outcome
    if row.outcome in (Outcome.SUPPRESSED, Outcome.QUARANTINED):
        assert row.reason
    if row.outcome in (Outcome.CREATED, Outcome.APPENDED):
        assert row.ticket is not None
        assert result.ticket == row.ticket.number
    if row.outcome == Outcome.QUARANTINED:
        assert row.ticket is None
    return row


@PROPERTY_SETTINGS
@given(raw=mangled_mail())
def test_mangled_mail_ends_as_exactly_one_stored_message_with_an_outcome(
    raw, finanzas_mailbox, media
):
    with _rolled_back():
        rows_before = InboundMessage.objects.count()

        result = ingest_raw(raw, mailbox=finanzas_mailbox, via=Via.PIPE)

        assert InboundMessage.objects.count() == rows_before + 1
        _assert_finished(raw, result)


@PROPERTY_SETTINGS
@given(raw=mangled_mail())
def test_mangled_mail_delivered_twice_is_a_duplicate_of_the_stored_row(
    raw, finanzas_mailbox, media
):
    with _rolled_back():
        first = ingest_raw(raw, mailbox=finanzas_mailbox, via=Via.IMAP)
        rows, tickets = InboundMessage.objects.count(), Ticket.objects.count()

        again = ingest_raw(raw, mailbox=finanzas_mailbox, via=Via.PIPE)

        assert again.outcome == "duplicate"
        assert again.inbound_id == first.inbound_id
        assert again.ticket == first.ticket
        assert (InboundMessage.objects.count(), Ticket.objects.count()) == (
            rows,
            tickets,
        )
        _assert_finished(raw, first)


@PROPERTY_SETTINGS
@given(raws=st.lists(mangled_mail(), min_size=1, max_size=6))
def test_a_batch_of_mangled_mail_ends_as_stored_messages_with_outcomes(
    raws, finanzas_mailbox, media
):
    # the batch path (decided and written together) on the same input
    with _rolled_back():
        results = ingest_many(
            [(raw, finanzas_mailbox) for raw in raws], via=Via.IMAP, batch_size=4
        )

        assert len(results) == len(raws)
        assert InboundMessage.objects.count() == len(set(raws))
        seen: set[bytes] = set()
        for raw, result in zip(raws, results, strict=True):
            if raw in seen:
                assert result.outcome == "duplicate"
            else:
                _assert_finished(raw, result)
            seen.add(raw)
