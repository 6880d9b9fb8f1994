"""The RTF body of winmail.dat: decompression and text."""

from __future__ import annotations

import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from ventanilla.channels.mail.rtf import decompress, rtf_to_html, rtf_to_text
from ventanilla.channels.mail.tests.tnef_writer import (
    compressed_rtf,
    uncompressed_rtf,
)

LETTER = (
    b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Calibri;}}"
    b"{\\colortbl ;\\red0\\green0\\blue255;}{\\*\\generator Riched20;}"
    b"\\viewkind4\\uc1\\pard\\f0\\fs22 Estimados se\\'f1ores:\\par\r\n\\par\r\n"
    b"La liquidaci\\'f3n est\\'e1 lista.\\tab Monto: S/ 1,200\\par\r\n"
    b'{\\field{\\*\\fldinst HYPERLINK "https://generafactoring.pe"}'
    b"{\\fldrslt Portal}}\\par\r\n"
    b"Tesorer\\u237?a \\endash  Genera\\par\r\n}"
)


def test_stored_and_compressed_forms_decompress_to_the_same_rtf():
    assert decompress(uncompressed_rtf(LETTER)) == LETTER
    assert decompress(compressed_rtf(LETTER)) == LETTER


def test_compressed_form_is_smaller_for_repetitive_rtf():
    repetitive = LETTER * 5

    packed = compressed_rtf(repetitive)

    assert len(packed) < len(repetitive)
    assert decompress(packed) == repetitive


def test_unknown_or_short_input_decompresses_to_nothing():
    assert decompress(b"") == b""
    assert decompress(struct.pack("<IIII", 12, 5, 0x12345678, 0) + b"hola!") == b""


def test_rtf_text_keeps_paragraphs_accents_and_field_results():
    text = rtf_to_text(LETTER)

    assert text == (
        "Estimados señores:\n\n"
        "La liquidación está lista.\tMonto: S/ 1,200\n"
        "Portal\n"
        "Tesorería \u2013 Genera"
    )


def test_plain_rtf_has_no_encapsulated_html():
    assert rtf_to_html(LETTER) is None


def test_encapsulated_html_is_recovered_without_rtf_only_parts():
    rtf = (
        b"{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl{\\f0 Arial;}}"
        b"{\\*\\htmltag19 <html>}{\\*\\htmltag50 <body>}\\htmlrtf {\\htmlrtf0 "
        b"{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Factura E001-980 observada"
        b"\\htmlrtf\\par}\\htmlrtf0 {\\*\\htmltag72 </p>}"
        b"{\\*\\htmltag58 </body>}{\\*\\htmltag27 </html>}}}"
    )

    assert rtf_to_html(rtf) == (
        "<html><body><p>Factura E001-980 observada</p></body></html>"
    )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_are_read_without_raising(data):
    rtf_to_text(decompress(data))
    rtf_to_text(data)
    rtf_to_html(b"{\\rtf1\\fromhtml1 " + data)
