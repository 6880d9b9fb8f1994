"""parse() on real-world-shaped .eml fixtures, plus property tests."""

from __future__ import annotations

import base64
import hashlib
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ventanilla.channels.mail.parsing import (
    MAX_ID_CHARS,
    MAX_REFERENCES,
    ParsedMail,
    UnparseableMail,
    decode_words,
    parse,
    raw_sha256,
    rewrite_cid_sources,
)
from ventanilla.channels.mail.tests.support import (
    all_fixture_names,
    fixture_bytes,
    parsed,
)
from ventanilla.channels.mail.tests.tnef_writer import TnefFile, build_tnef

LIMA = timezone(timedelta(hours=-5))
UNPARSEABLE = {"not_a_message.eml"}

# fixture, subject, sender, snippet of body_text, attachment file names
CORPUS = [
    ("apple_mail_text_around_image.eml", "Captura del error",
     "ana.rojas@andinas.example", "Antes de la imagen.\n\nDespues de la imagen.",
     ["pantalla.png"]),
    ("attachments_rfc2231_filenames.eml", "Documentos para la adenda",
     "rosa.linares@andinas.example", "documentos firmados para la adenda",
     ["Liquidación marzo 2025.pdf",
      "Adenda Nº 3 al contrato de inversión firmada.pdf",
      "Cronograma de pagos ñandú.xlsx", "passwd", "facturafdp.exe"]),
    ("bare_lf_line_endings.eml", "Cambio de cuenta bancaria",
     "ana.rojas@andinas.example", "Nueva cuenta: Interbank 200-3001234567.", []),
    ("base64_broken_padding.eml", "Constancia de depósito",
     "jorge.salas@andinas.example", "constancia de depósito de S/ 15,000", []),
    ("calendar_invite.eml", "Comité de inversiones, primer trimestre",
     "jorge.salas@andinas.example", "Revisión de la cartera de facturas",
     ["invitacion.ics"]),
    ("deeply_nested_multipart.eml", "Correo anidado",
     "pedro.ruiz@textiles.example", "Texto muy anidado.", []),
    ("dsn_bounce.eml", "Undelivered Mail Returned to Sender",
     "mailer-daemon@mail.generafactoring.pe", "could not\nbe delivered",
     ["estado-de-entrega.txt", "[#10042] Solicitud de adición de inversión.eml"]),
    ("dsn_bounce_exchange_es.eml",
     "No se puede entregar: [#10051] Recordatorio de pago F001-77",
     "postmaster@textiles.example", "El buzón del destinatario está lleno",
     ["estado-de-entrega.txt", "cabeceras-originales.txt"]),
    ("english_on_wrote_reply.eml", "Re: [#10080] Wire transfer confirmation",
     "mark.evans@fund.example", "Received, thank you.", []),
    ("forwarded_rfc822.eml", "RV: Notificación de valores - Buzón SOL",
     "lucia@generafactoring.pe", "reenvío la notificación de SUNAT",
     ["Notificación de valores.eml"]),
    ("gmail_reply_alternative_es.eml",
     "Re: [#10042] Solicitud de adición de inversión",
     "jorge.salas@andinas.example", "Ya hice la transferencia", []),
    ("charset_named_after_binary_codec.eml", "Nivfb de pago",
     "erp@textiles.example", "Pago registrado para la factura F001-77.", []),
    ("html_nested_divs_hostile.eml", "Consulta con HTML roto",
     "pedro.ruiz@textiles.example", "constancia de retención de febrero", []),
    ("html_meta_charset.eml", "Detalle de cobranza", "pedro.ruiz@textiles.example",
     "Pedimos la reprogramación de la cobranza", []),
    ("html_only_cp1252_no_charset.eml", "Consulta liquidacion E001-2345",
     "pedro.ruiz@textiles.example", "de “Textiles del Sur”. El monto descontado fue €",
     []),
    ("html_with_script_and_tracking.eml", "Propuesta comercial",
     "pedro.ruiz@textiles.example", "les envío la propuesta", []),
    ("huge_header.eml", None, "jorge.salas@andinas.example",
     "Sigo esperando la respuesta", []),
    ("inline_image_cid.eml", "Error al cargar facturas en la plataforma",
     "pedro.ruiz@textiles.example", "aparece este error",
     ["image001.png", "imagen-2.png", "imagen-3.png"]),
    ("iphone_reply_es.eml", "Re: [#10042] Solicitud de adición de inversión",
     "jorge.salas@andinas.example", "Perfecto, muchas gracias.", []),
    ("latin1_label_cp1252_quotes.eml", "Constancia de retención",
     "maria.torres@andinas.example", "la “constancia de retención” del mes", []),
    ("mbox_from_line.eml", "Desde un buzón mbox", "jorge.salas@andinas.example",
     "Mensaje exportado desde un archivo mbox.", []),
    ("message_id_without_brackets.eml", "Aviso de pago F001-77",
     "sistema@erp.textiles.example", "Se registro el pago", []),
    ("missing_message_id_and_date.eml", "Consulta sin identificador",
     "pedro.ruiz@textiles.example", "sin Message-ID ni fecha", []),
    ("mixed_line_endings.eml", "Cambio de correo de contacto",
     "ana.rojas@andinas.example", "ana.rojas@andinas.example\npara las", []),
    ("multipart_without_boundary.eml", "Sin boundary", "pedro.ruiz@textiles.example",
     "envía correos con la cabecera rota", []),
    ("newsletter_list_unsubscribe.eml", "Tendencias del factoring en el Perú - marzo",
     "boletin@factoringhoy.example", "facturas negociadas creció 12%", []),
    ("no_charset_8bit_utf8.eml", "Rescate parcial", "jorge.salas@andinas.example",
     "rescate parcial de mi inversión: S/ 20,000. ¿Cuál", []),
    ("nul_bytes.eml", "Pago de factura F001-77", "pedro.ruiz@textiles.example",
     "voucher del pago de la factura", []),
    ("octet_stream_pdf_name.eml", "Factura E001-2345", "pedro.ruiz@textiles.example",
     "Adjunto la factura.", ["E001-2345.pdf"]),
    ("out_of_office_en_x_autoreply.eml", "Out of Office: Quarterly investor report",
     "mark.evans@fund.example", "I am out of the office until March 28", []),
    ("out_of_office_no_header_es.eml",
     "RE: [#10042] Solicitud de adición de inversión",
     "jorge.salas@andinas.example", "Estaré fuera de la oficina", []),
    ("out_of_office_subject_outlook_es.eml",
     "Respuesta automática: [#10051] Recordatorio de pago",
     "cmedina@textiles.example", "Me encuentro de vacaciones.", []),
    ("outlook_reply_english.eml", "RE: Quarterly investor report",
     "mark.evans@fund.example", "Q1 breakdown by debtor?", []),
    ("outlook_reply_spanish.eml", "RE: [#10070] FIN: estado de cuenta marzo",
     "maria.torres@andinas.example", "¿Podrían enviarme el estado de cuenta", []),
    ("plain_text_qp_utf8.eml", "Solicitud de adición de inversión",
     "jorge.salas@andinas.example", "adicionar S/ 50,000 a mi inversión", []),
    ("raw_8bit_utf8_headers.eml", "Reprogramación de pago \u2013 factura F002-118",
     "lucia.nahui@textiles.example", "reprogramar el pago de la factura F002-118", []),
    ("read_receipt_mdn_es.eml", "Leído: [#10051] Recordatorio de pago",
     "cmedina@textiles.example", "Su mensaje fue leído",
     ["confirmacion-de-lectura.txt"]),
    ("rfc2047_broken_subject.eml", "Liquidación de facturas \u2013 marzo — urgente",
     "jose.pena@textiles.example", "facturas por liquidar este mes", []),
    ("rfc822_part_base64_encoded.eml", "FW: Abono recibido",
     "rosario@generafactoring.pe", "Reenvío la alerta del banco.",
     ["Abono recibido.eml"]),
    ("sunat_notice_auto_generated.eml",
     "Tiene una nueva notificación en su Buzón Electrónico",
     "notificaciones@sunat.gob.pe", "Resolución de Intendencia", []),
    ("unknown_charset_name.eml", "No puedo ingresar a la plataforma",
     "ana.rojas@andinas.example", "error de contraseña. Ya intenté", []),
    ("utf8_declared_but_cp1252_bytes.eml", "Estado de cuenta",
     "cmedina@andinas.example", "Señores, solicito el estado de cuenta", []),
    ("vacation_auto_replied_header.eml", "Re: [#10060] Cambio de cuenta bancaria",
     "ana.rojas@andinas.example", "responderé tu correo a mi regreso", []),
    ("winmail_dat.eml", "Contrato de cesión de facturas",
     "cmedina@textiles.example", "Adjunto el contrato de cesión",
     ["Contrato de cesión - Textiles del Sur.pdf", "detalle_facturas_marzo.xlsx"]),
    ("winmail_dat_only_html_body.eml", "Factura observada",
     "cmedina@textiles.example", "fue observada por el pagador", []),
    ("winmail_dat_rtf_body_only.eml", "Cronograma", "cmedina@textiles.example",
     "Estimados señores de Cobranzas:", ["cronograma.pdf"]),
    ("winmail_dat_rtf_html_encapsulated.eml", "Liquidación E001-980",
     "cmedina@textiles.example", "está lista para su revisión", []),
]  # fmt: skip


def test_corpus_fixtures_exist():
    listed = {row[0] for row in CORPUS}
    assert listed | UNPARSEABLE <= set(all_fixture_names())


@pytest.mark.parametrize("name", all_fixture_names())
def test_every_fixture_parses_storably_or_is_unparseable(name):
    # fixtures added later by other tests are held to the same contract
    _parse_or_unparseable(fixture_bytes(name))


@pytest.mark.parametrize(("name", "subject", "sender", "snippet", "files"), CORPUS)
def test_corpus_message_reads_subject_sender_body_and_files(
    name, subject, sender, snippet, files
):
    # when
    mail = parsed(name)

    # then
    if subject is not None:
        assert mail.subject == subject
    assert mail.from_address == sender
    assert snippet in mail.body_text
    assert [a.filename for a in mail.attachments] == files
    _assert_storable(mail)


def _assert_storable(mail: ParsedMail) -> None:
    """What every result must satisfy to go into the database."""
    strings = [
        mail.message_id,
        mail.subject,
        mail.from_address,
        mail.from_name,
        mail.body_text,
        mail.body_html,
        *mail.references,
        *mail.to,
        *mail.cc,
        *mail.reply_to,
        *mail.headers.values(),
        *mail.calendar_summaries,
        *(a.filename for a in mail.attachments),
        *(a.content_id or "" for a in mail.attachments),
        *(str(w) for w in mail.warnings),
    ]
    for value in strings:
        assert "\x00" not in value
        value.encode("utf-8")  # no lone surrogates
    assert mail.message_id.startswith("<")
    assert mail.message_id.endswith(">")
    assert len(mail.message_id) <= MAX_ID_CHARS
    assert all(len(ref) <= MAX_ID_CHARS for ref in mail.references)
    assert mail.from_address == mail.from_address.lower()
    assert all(a == a.lower() for a in (*mail.to, *mail.cc))
    assert mail.date is None or mail.date.tzinfo is not None
    for attachment in mail.attachments:
        assert "/" not in attachment.filename
        assert "\\" not in attachment.filename
        assert attachment.filename.strip(" .")


def test_plain_text_message_reads_every_header_field():
    mail = parsed("plain_text_qp_utf8.eml")

    assert mail.message_id == "<20250303150000.A1B2C3@andinas.example>"
    assert not mail.message_id_generated
    assert mail.from_name == "Jorge Salas"
    assert mail.to == ("finanzas@generafactoring.pe",)
    assert mail.date == datetime(2025, 3, 3, 10, 0, tzinfo=LIMA)
    assert mail.body_text.startswith("Buenos días,\n\nQuisiera adicionar")
    assert not mail.has_html_part
    assert mail.body_html.startswith("<p>Buenos días,</p>")
    assert mail.warnings == ()


def test_reply_keeps_threading_headers_with_angle_brackets():
    mail = parsed("iphone_reply_es.eml")

    assert mail.in_reply_to == "<ventanilla.10042.5@generafactoring.pe>"
    assert mail.references == (
        "<ventanilla.10042.1@generafactoring.pe>",
        "<ventanilla.10042.5@generafactoring.pe>",
    )


def test_alternative_keeps_text_part_and_sanitised_html_part():
    mail = parsed("gmail_reply_alternative_es.eml")

    assert mail.has_html_part
    assert mail.body_text.startswith("Gracias, Rosario. Ya hice la transferencia")
    assert "escribió:" in mail.body_text
    assert 'class="gmail_quote"' not in mail.body_html
    assert 'href="mailto:finanzas@generafactoring.pe"' in mail.body_html


def test_html_only_cp1252_without_charset_is_detected_and_text_derived():
    mail = parsed("html_only_cp1252_no_charset.eml")

    assert mail.has_html_part
    assert "Señores Genera:" in mail.body_text
    assert "€ 1.200" in mail.body_text
    assert "<title>" not in mail.body_html
    assert "Consulta" not in mail.body_text  # the <title> is not body text
    assert "charset_detected" in mail.warning_codes


def test_latin1_label_is_read_as_cp1252_for_curly_quotes():
    mail = parsed("latin1_label_cp1252_quotes.eml")

    assert "“constancia de retención”" in mail.body_text
    assert "Gracias \u2013 María" in mail.body_text
    assert mail.from_name == "María Torres"


def test_wrong_declared_charset_falls_back_and_warns():
    mail = parsed("utf8_declared_but_cp1252_bytes.eml")

    assert "Señores" in mail.body_text
    assert {"wrong_charset", "charset_detected"} <= mail.warning_codes


def test_unknown_charset_name_falls_back_to_detection():
    mail = parsed("unknown_charset_name.eml")

    assert "contraseña" in mail.body_text
    assert "unknown_charset" in mail.warning_codes


def test_undeclared_8bit_utf8_reads_as_utf8_without_warning():
    mail = parsed("no_charset_8bit_utf8.eml")

    assert "¿Cuál es el plazo?" in mail.body_text
    assert mail.warnings == ()


def test_html_meta_charset_is_used_when_mime_declares_none():
    mail = parsed("html_meta_charset.eml")

    assert "reprogramación" in mail.body_text
    assert mail.warnings == ()


def test_broken_encoded_words_in_subject_and_addresses_are_decoded():
    mail = parsed("rfc2047_broken_subject.eml")

    # a character split across two base64 words, a missing "=" padding,
    # a Q word with a space inside and one with an unknown charset
    assert mail.subject == "Liquidación de facturas \u2013 marzo — urgente"
    assert mail.from_name == "José Peña"
    assert mail.cc == ("lucia@textiles.example", "jorge.salas@andinas.example")


def test_raw_utf8_in_headers_is_read():
    mail = parsed("raw_8bit_utf8_headers.eml")

    assert mail.from_name == "Lucía Ñahui"
    assert mail.to == ("cobranza@generafactoring.pe",)


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("=?utf-8?q?Liquidaci=C3=B3n?=", "Liquidación"),
        ("=?UTF-8?B?TGlxdWlkYWNpw7Nu?=", "Liquidación"),
        ("=?utf-8?b?TGlxdWlkYWNpw7Nu?= =?utf-8?q?_marzo?=", "Liquidación marzo"),
        ("=?iso-8859-1?q?Pe=F1a?= y =?iso-8859-1?q?Salas?=", "Peña y Salas"),
        ("=?utf-8?q?Liquidaci=C3?= =?utf-8?q?=B3n?=", "Liquidación"),
        ("=?utf-8*es?q?Se=C3=B1or?=", "Señor"),
        ("=?x-desconocido?q?Se=F1or?=", "Señor"),
        # undecodable base64 is shown as it came rather than dropped
        ("=?utf-8?b?no es base64!?=", "no es base64!"),
        ("sin codificar", "sin codificar"),
        ("=?utf-8?q?roto", "=?utf-8?q?roto"),
    ],
)
def test_decode_words_forgives_common_breakage(encoded, decoded):
    assert decode_words(encoded) == decoded


def test_charset_names_of_binary_codecs_are_not_used_to_decode():
    mail = parsed("charset_named_after_binary_codec.eml")

    # "base64" and "rot13" are Python codecs, not character sets
    assert mail.subject == "Nivfb de pago"
    assert mail.from_name == "Sistema"
    assert "unknown_charset" in mail.warning_codes
    assert decode_words("=?unicode_escape?q?\\u0041?=") == "\\u0041"


def test_rfc2231_and_encoded_filenames_are_decoded_and_sanitised():
    mail = parsed("attachments_rfc2231_filenames.eml")
    by_name = {a.filename: a for a in mail.attachments}

    assert by_name["Liquidación marzo 2025.pdf"].content.startswith(b"%PDF-1.4")
    assert by_name["Liquidación marzo 2025.pdf"].content_type == "application/pdf"
    assert "Adenda Nº 3 al contrato de inversión firmada.pdf" in by_name
    # a path is cut to its last part, a right-to-left override is dropped
    assert by_name["passwd"].content == b"root:x:0:0"
    assert "facturafdp.exe" in by_name
    assert "filename_sanitised" in mail.warning_codes


def test_octet_stream_gets_a_type_from_the_file_name_and_odd_base64_is_decoded():
    mail = parsed("octet_stream_pdf_name.eml")
    (attachment,) = mail.attachments

    assert attachment.content_type == "application/pdf"
    assert attachment.content.startswith(b"%PDF-1.4")
    assert "odd_transfer_encoding" in mail.warning_codes


def test_inline_images_keep_cid_references_and_are_marked_inline():
    mail = parsed("inline_image_cid.eml")
    screenshot, logo, unused = mail.attachments

    assert 'src="cid:image001.png@01DB93A2.5C0F1E60"' in mail.body_html
    # the percent-encoded reference is normalised to the Content-ID
    assert 'src="cid:logo@textiles.example"' in mail.body_html
    assert "onerror" not in mail.body_html
    assert screenshot.content_id == "image001.png@01DB93A2.5C0F1E60"
    assert screenshot.is_inline
    assert logo.is_inline
    assert not unused.is_inline
    assert set(mail.inline_images) == {
        "image001.png@01DB93A2.5C0F1E60",
        "logo@textiles.example",
    }
    assert screenshot.content.startswith(b"\x89PNG")


def test_rewrite_cid_sources_points_images_at_stored_urls():
    mail = parsed("inline_image_cid.eml")
    urls = {"image001.png@01DB93A2.5C0F1E60": "/adjuntos/7?firma=a&b"}

    rewritten = rewrite_cid_sources(mail.body_html, urls)

    assert 'src="/adjuntos/7?firma=a&amp;b"' in rewritten
    assert 'src="cid:logo@textiles.example"' in rewritten


def test_apple_mail_text_parts_around_an_image_are_joined():
    mail = parsed("apple_mail_text_around_image.eml")
    (image,) = mail.attachments

    assert mail.body_text == "Antes de la imagen.\n\nDespues de la imagen."
    assert not image.is_inline  # not referenced by any HTML


def test_html_is_sanitised_of_scripts_handlers_frames_and_forms():
    mail = parsed("html_with_script_and_tracking.eml")

    for forbidden in ("<script", "onload", "onclick", "javascript:", "<iframe",
                      "<form", "<input", "evil.example", "style="):  # fmt: skip
        assert forbidden not in mail.body_html
    assert 'href="https://textiles.example/propuesta.pdf"' in mail.body_html


def test_hostile_html_nesting_keeps_only_the_text():
    mail = parsed("html_nested_divs_hostile.eml")

    assert mail.body_text == "Necesito la constancia de retención de febrero."
    assert mail.body_html == "<p>Necesito la constancia de retención de febrero.</p>"
    assert "html_too_deep" in mail.warning_codes


@pytest.mark.parametrize(
    "markup",
    [b"<div>" * 100_000, b"<head" * 100_000, b"<a " * 100_000, b"<" * 300_000],
)
def test_hostile_html_is_read_in_bounded_time(markup):
    raw = (
        b"From: a@textiles.example\r\nSubject: x\r\nMessage-ID: <h@t>\r\n"
        b"Content-Type: text/html\r\n\r\n" + markup
    )

    started = time.perf_counter()
    parse(raw)

    # the sanitiser alone took over a minute on 100,000 nested <div>
    assert time.perf_counter() - started < 10


def test_calendar_invite_is_kept_and_summarised_in_the_text():
    mail = parsed("calendar_invite.eml")
    (invite,) = mail.attachments

    summary = (
        "Invitación de calendario: Comité de inversiones, primer trimestre"
        " — 17/03/2025 10:00 (SA Pacific Standard Time)"
        " (Sala de reuniones 3 - Av. Javier Prado 123)"
    )
    assert mail.calendar_summaries == (summary,)
    assert mail.body_text.endswith(summary)
    assert summary in mail.body_html
    assert invite.content_type == "text/calendar"
    assert invite.content.startswith(b"BEGIN:VCALENDAR")


def test_forwarded_message_is_kept_as_an_eml_attachment():
    mail = parsed("forwarded_rfc822.eml")
    (forwarded,) = mail.attachments

    assert forwarded.content_type == "message/rfc822"
    inner = parse(forwarded.content)
    assert inner.subject == "Notificación de valores"
    assert inner.from_address == "notificaciones@sunat.gob.pe"
    assert "Buzón Electrónico SOL" in inner.body_text
    assert "Buzón Electrónico SOL" not in mail.body_text


def test_base64_encoded_message_part_is_decoded_before_keeping_it():
    mail = parsed("rfc822_part_base64_encoded.eml")
    (forwarded,) = mail.attachments

    assert parse(forwarded.content).subject == "Abono recibido"
    assert "encoded_message_part" in mail.warning_codes


def test_delivery_report_names_the_message_that_bounced():
    mail = parsed("dsn_bounce.eml")

    assert mail.content_type == "multipart/report"
    assert mail.report_type == "delivery-status"
    assert mail.reported_message_id == "<ventanilla.10042.3@generafactoring.pe>"
    status = mail.attachments[0].content.decode()
    assert "Status: 5.1.1" in status
    assert mail.headers["return-path"] == "<>"


def test_delivery_report_with_only_headers_of_the_original_names_it():
    mail = parsed("dsn_bounce_exchange_es.eml")

    assert mail.reported_message_id == "<ventanilla.10051.1@generafactoring.pe>"


def test_read_receipt_names_the_message_it_confirms():
    mail = parsed("read_receipt_mdn_es.eml")

    assert mail.report_type == "disposition-notification"
    assert mail.reported_message_id == "<ventanilla.10051.1@generafactoring.pe>"


def test_huge_headers_are_bounded_and_keep_root_and_latest_references():
    mail = parsed("huge_header.eml")

    assert len(mail.references) == MAX_REFERENCES
    assert mail.references[0] == "<thread.00000.reply@andinas.example>"
    assert mail.references[-1] == "<thread.02999.reply@andinas.example>"
    assert mail.in_reply_to == "<thread.02999.reply@andinas.example>"
    assert len(mail.subject) == 1000
    assert mail.subject.startswith("Consulta sobre liquidación liquidación")
    assert {"long_header", "long_subject"} <= mail.warning_codes


def test_nul_bytes_are_removed_from_headers_and_body():
    mail = parsed("nul_bytes.eml")

    assert mail.subject == "Pago de factura F001-77"
    assert mail.message_id == "<nul.bytes.1@textiles.example>"
    assert mail.body_text == "Adjunto voucher del pago de la factura F001-77."
    assert "nul_in_headers" in mail.warning_codes


def test_bare_lf_and_mixed_line_endings_read_like_crlf():
    bare = parsed("bare_lf_line_endings.eml")
    mixed = parsed("mixed_line_endings.eml")
    crlf = parse(fixture_bytes("bare_lf_line_endings.eml").replace(b"\n", b"\r\n"))

    assert bare.body_text == crlf.body_text
    assert bare.subject == crlf.subject
    assert "\r" not in mixed.body_text
    assert mixed.subject == "Cambio de correo de contacto"
    assert mixed.to == ("soportetd@generafactoring.pe",)


def test_missing_message_id_is_generated_from_the_raw_bytes():
    raw = fixture_bytes("missing_message_id_and_date.eml")

    mail = parse(raw)

    assert mail.message_id_generated
    assert mail.message_id == f"<sha256-{raw_sha256(raw)}@ventanilla.invalid>"
    assert parse(raw).message_id == mail.message_id  # deterministic
    # no Date field: the receiving server's Received stamp is used
    assert mail.date == datetime(2025, 3, 27, 8, 0, tzinfo=LIMA)
    assert {"missing_message_id", "date_from_received"} <= mail.warning_codes


def test_message_ids_without_brackets_are_normalised():
    mail = parsed("message_id_without_brackets.eml")

    assert mail.message_id == "<1743098400.12345@erp.textiles.example>"
    assert mail.in_reply_to == "<ventanilla.10051.1@generafactoring.pe>"
    assert mail.from_name == ""


def test_overlong_message_ids_are_hashed_the_same_way_everywhere():
    long_id = "<" + "x" * 400 + "@andinas.example>"
    raw = (
        f"From: a@andinas.example\r\nSubject: x\r\nMessage-ID: {long_id}\r\n"
        f"In-Reply-To: {long_id}\r\nReferences: {long_id}\r\n\r\nhola\r\n"
    ).encode()

    mail = parse(raw)

    digest = hashlib.sha256(long_id.encode()).hexdigest()
    assert mail.message_id == f"<long-{digest}@ventanilla.invalid>"
    assert mail.in_reply_to == mail.message_id
    assert mail.references == (mail.message_id,)


def test_urgency_and_noise_headers_are_exposed():
    outlook = parsed("outlook_reply_spanish.eml")
    newsletter = parsed("newsletter_list_unsubscribe.eml")
    sunat = parsed("sunat_notice_auto_generated.eml")

    assert outlook.is_urgent
    assert outlook.cc == ("jorge.salas@andinas.example",)
    assert not newsletter.is_urgent
    assert newsletter.precedence == "bulk"
    assert newsletter.list_id == "Boletin Factoring Hoy <boletin.factoringhoy.example>"
    assert newsletter.list_unsubscribe is not None
    assert sunat.auto_submitted == "auto-generated"


def test_html_tables_become_readable_text():
    mail = parsed("sunat_notice_auto_generated.eml")

    assert mail.body_text.startswith("RUC: 20601234567\nRazón social: GENERA")


def test_winmail_dat_is_unpacked_into_its_files():
    mail = parsed("winmail_dat.eml")
    contract, detail = mail.attachments

    assert contract.filename == "Contrato de cesión - Textiles del Sur.pdf"
    assert contract.content_type == "application/pdf"
    assert contract.content.startswith(b"%PDF-1.4")
    assert detail.content_type == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    # the body comes from the MIME text part, not twice
    assert mail.body_text.count("Adjunto el contrato") == 1


def test_winmail_dat_alone_gives_its_html_body():
    mail = parsed("winmail_dat_only_html_body.eml")

    assert mail.has_html_part
    assert mail.body_text == (
        "La factura E001-980 fue observada por el pagador. ¿Pueden revisarla?"
    )
    assert mail.attachments == ()


def test_winmail_dat_with_only_compressed_rtf_body_is_read():
    mail = parsed("winmail_dat_rtf_body_only.eml")

    assert mail.body_text.startswith("Estimados señores de Cobranzas:\n\nAdjunto")
    assert mail.body_text.endswith("Jefe de Tesorería \u2013 Textiles del Sur")
    assert [a.filename for a in mail.attachments] == ["cronograma.pdf"]
    assert "tnef_rtf_body" in mail.warning_codes


def test_winmail_dat_rtf_that_encapsulates_html_gives_the_html():
    mail = parsed("winmail_dat_rtf_html_encapsulated.eml")

    assert mail.has_html_part
    assert "<p>Monto neto: S/ 18,450.00</p>" in mail.body_html
    assert "MsoNormal" not in mail.body_text


def test_unreadable_winmail_dat_is_kept_as_it_came():
    raw = _with_tnef(b"no es un archivo TNEF")

    mail = parse(raw)

    (kept,) = mail.attachments
    assert kept.filename == "winmail.dat"
    assert "tnef_unreadable" in mail.warning_codes


def test_winmail_dat_with_nothing_readable_is_kept():
    mail = parse(_with_tnef(build_tnef(subject="vacío")))

    assert [a.filename for a in mail.attachments] == ["winmail.dat"]
    assert "tnef_empty" in mail.warning_codes


def test_winmail_dat_files_with_unsafe_names_are_sanitised():
    blob = build_tnef(
        subject="x",
        body="Ver adjunto",
        files=[TnefFile("..\\..\\Windows\\con.txt", b"hola")],
    )

    mail = parse(_with_tnef(blob))

    assert [a.filename for a in mail.attachments] == ["_con.txt"]
    assert mail.attachments[0].content_type == "text/plain"


def _with_tnef(blob: bytes) -> bytes:
    encoded = base64.encodebytes(blob).decode()
    return (
        "From: Carlos Medina <cmedina@textiles.example>\r\n"
        "To: cobranza@generafactoring.pe\r\nSubject: Adjunto\r\n"
        "Message-ID: <tnef.prueba@textiles.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: application/ms-tnef; name="winmail.dat"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n" + encoded
    ).encode()


def test_deep_nesting_is_read_flat_without_losing_text():
    mail = parsed("deeply_nested_multipart.eml")

    assert mail.body_text == "Texto muy anidado."
    assert "mime_too_deep" in mail.warning_codes


def test_multipart_without_boundary_keeps_its_raw_text():
    mail = parsed("multipart_without_boundary.eml")

    assert "cabecera rota" in mail.body_text
    assert "multipart_without_parts" in mail.warning_codes


def test_mbox_from_line_and_leading_blank_lines_are_skipped():
    raw = b"\r\n\r\n" + fixture_bytes("plain_text_qp_utf8.eml")

    mail = parse(raw)

    assert mail.subject == "Solicitud de adición de inversión"
    assert "leading_whitespace" in mail.warning_codes
    assert parsed("mbox_from_line.eml").from_address == "jorge.salas@andinas.example"


def test_bad_date_is_none_with_a_warning():
    raw = fixture_bytes("plain_text_qp_utf8.eml").replace(
        b"Date: Mon, 3 Mar 2025 10:00:00 -0500", b"Date: lunes pasado"
    )

    mail = parse(raw)

    # the topmost Received field still dates it
    assert mail.date == datetime(2025, 3, 3, 10, 0, 5, tzinfo=LIMA)
    assert "bad_date" in mail.warning_codes


def test_naive_date_is_read_as_utc():
    raw = fixture_bytes("plain_text_qp_utf8.eml").replace(
        b"-0500\r\nMessage", b"-0000\r\nMessage"
    )

    assert parse(raw).date == datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def test_missing_from_uses_sender_and_warns():
    raw = fixture_bytes("plain_text_qp_utf8.eml").replace(
        b"From: Jorge Salas <Jorge.Salas@Andinas.example>",
        b"Sender: Asistente <asistente@andinas.example>",
    )

    mail = parse(raw)

    assert mail.from_address == "asistente@andinas.example"
    assert "missing_from" in mail.warning_codes


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \r\n\r\n  ",
        b"\xef\xbb\xbf",
        b"Hola, esto no es un correo.\nSolo texto.",
        b"X-Cualquiera: valor\r\n\r\ncuerpo",
        bytes(range(256)),
    ],
)
def test_input_that_is_not_a_mail_message_is_unparseable(raw):
    with pytest.raises(UnparseableMail) as error:
        parse(raw)
    assert error.value.reason


def test_not_a_message_fixture_is_unparseable():
    with pytest.raises(UnparseableMail):
        parsed("not_a_message.eml")


def test_non_bytes_input_is_unparseable_and_str_is_accepted():
    with pytest.raises(UnparseableMail):
        parse(12345)
    text = fixture_bytes("plain_text_qp_utf8.eml").decode()

    assert parse(text).subject == "Solicitud de adición de inversión"
    assert parse(bytearray(text.encode())).subject == parse(text.encode()).subject


def test_raw_sha256_is_the_hex_digest():
    assert raw_sha256(b"hola") == hashlib.sha256(b"hola").hexdigest()


def test_parsed_mail_is_immutable():
    mail = parsed("plain_text_qp_utf8.eml")

    with pytest.raises(AttributeError):
        mail.subject = "otro"
    with pytest.raises(TypeError):
        mail.headers["precedence"] = "bulk"


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

_SEEDS = [
    fixture_bytes(name) for name in all_fixture_names() if name not in UNPARSEABLE
]


def _parse_or_unparseable(raw: bytes) -> ParsedMail | None:
    try:
        mail = parse(raw)
    except UnparseableMail:
        return None
    _assert_storable(mail)
    return mail


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise_anything_but_unparseable(raw):
    _parse_or_unparseable(raw)


@st.composite
def _mangled_mail(draw: st.DrawFn) -> bytes:
    """A real fixture with a few random cuts, flips, insertions and copies."""
    raw = bytearray(draw(st.sampled_from(_SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not raw:
            break
        at = draw(st.integers(0, len(raw) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert", "copy", "token"]))
        if action == "flip":
            raw[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del raw[at : at + draw(st.integers(1, 200))]
        elif action == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=40))
        elif action == "copy":
            end = min(len(raw), at + draw(st.integers(1, 400)))
            raw[at:at] = raw[at:end]
        else:
            raw[at:at] = draw(
                st.sampled_from([
                    b"\r\n\r\n", b"\n", b"\x00", b"=?utf-8?b?", b"?=", b"--",
                    b"boundary=", b"Content-Type: multipart/mixed\r\n",
                    b"Content-Type: message/rfc822\r\n\r\n",
                    b"Content-Transfer-Encoding: base64\r\n", b"charset=\"\xff\"",
                    b"filename*0*=utf-8''%C3", b"\xc3", b";", b"\"", b"<", b"cid:",
                ])
            )  # fmt: skip
    return bytes(raw)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_mangled_mail())
def test_mangled_real_mail_never_raises_anything_but_unparseable(raw):
    _parse_or_unparseable(raw)
