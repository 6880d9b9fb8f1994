"""split_quoted() separates new text from history and signatures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ventanilla.channels.mail.quoting import split_quoted
from ventanilla.channels.mail.tests.support import parsed


def _filled_lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line for line in lines if line.strip()]


def _assert_nothing_lost(text: str, new: str, quoted: str) -> None:
    assert _filled_lines(new) + _filled_lines(quoted) == _filled_lines(text)


def test_gmail_spanish_attribution_wrapped_over_two_lines():
    mail = parsed("gmail_reply_alternative_es.eml")

    new, quoted = split_quoted(mail.body_text)

    assert new == (
        "Gracias, Rosario. Ya hice la transferencia, adjunto la constancia en el\n"
        "siguiente correo."
    )
    assert quoted.startswith("El lun, 3 mar 2025 a las 10:00, Rosario Quispe")
    assert quoted.endswith("> Rosario")
    _assert_nothing_lost(mail.body_text, new, quoted)


def test_outlook_spanish_header_block_and_rule_start_the_history():
    mail = parsed("outlook_reply_spanish.eml")

    new, quoted = split_quoted(mail.body_text)

    assert new.endswith("Gerente de Finanzas | Inversiones Andinas S.A.C.")
    assert new.startswith("Rosario, buen día.")
    assert quoted.startswith("________________________________\nDe: Rosario Quispe")
    assert "Adjuntamos la liquidación de marzo." in quoted
    _assert_nothing_lost(mail.body_text, new, quoted)


def test_outlook_english_original_message_separator():
    mail = parsed("outlook_reply_english.eml")

    new, quoted = split_quoted(mail.body_text)

    assert new == "Thanks, could you also send the Q1 breakdown by debtor?\n\nMark"
    assert quoted.startswith("-----Original Message-----\nFrom: Finanzas Genera")


def test_iphone_signature_and_quoted_attribution_are_folded():
    mail = parsed("iphone_reply_es.eml")

    new, quoted = split_quoted(mail.body_text)

    assert new == "Perfecto, muchas gracias."
    assert quoted.startswith("Enviado desde mi iPhone")
    assert "> Estimado Jorge, la adición fue registrada." in quoted


def test_signature_delimiter_and_english_attribution():
    mail = parsed("english_on_wrote_reply.eml")

    new, quoted = split_quoted(mail.body_text)

    assert new == "Received, thank you."
    assert quoted.startswith("--\nMark Evans")
    assert "wrote:" in quoted


@pytest.mark.parametrize(
    ("text", "new"),
    [
        # Gmail, Spanish
        (
            "Listo, gracias.\n\nEl lun, 3 mar 2025 a las 10:00, Fulano <x@y.pe> "
            "escribió:\n> hola",
            "Listo, gracias.",
        ),
        # Apple Mail, Spanish, no weekday
        (
            "Recibido.\n\nEl 3 mar 2025, a las 10:00, Fulano <x@y.pe> escribió:\n\n"
            "> hola",
            "Recibido.",
        ),
        # Gmail, English, wrapped over three lines
        (
            "Thanks!\n\nOn Mon, Mar 3, 2025 at 10:00 AM Jorge Salas\n"
            "<jorge.salas@andinas.example>\nwrote:\n\n> hello",
            "Thanks!",
        ),
        # Outlook plain text, English header block
        (
            "Approved.\n\nFrom: Rosario Quispe <finanzas@generafactoring.pe>\n"
            "Sent: Monday, March 3, 2025 10:00 AM\nTo: Mark Evans\n"
            "Subject: Q1 report\n\nDear Mark",
            "Approved.",
        ),
        # Outlook, Spanish, separator
        (
            "Conforme.\n\n-----Mensaje original-----\nDe: Cobranzas\n"
            "Enviado: lunes\nPara: Pedro\nAsunto: Pago\n\nEstimado Pedro",
            "Conforme.",
        ),
        # Outlook with bold markers from HTML-to-text
        (
            "Ok.\n\n*De:* Rosario\n*Enviado el:* lunes\n*Para:* María\n"
            "*Asunto:* estado\n\ntexto",
            "Ok.",
        ),
        # Outlook mobile signature
        (
            "Sí, conforme.\n\nObtener Outlook para Android\n\nDe: X\nAsunto: y",
            "Sí, conforme.",
        ),
        ("Yes.\n\nSent from my iPhone\n\n> On Monday Jorge wrote:", "Yes."),
        # A trailing run of ">" lines without an attribution
        ("Ya pagué.\n\n> ¿Cuándo paga?\n>\n> Cobranzas", "Ya pagué."),
        # "-- " signature delimiter
        ("Gracias.\n-- \nJorge Salas\nInversiones Andinas", "Gracias."),
        # French and Portuguese attributions
        ("Merci.\n\nLe lun. 3 mars 2025 à 10:00, X <x@y.fr> a écrit :\n> a", "Merci."),
        (
            "Obrigado.\n\nEm seg., 3 de mar. de 2025, X <x@y.br> escreveu:\n> a",
            "Obrigado.",
        ),
    ],
)
def test_markers_in_spanish_and_english(text, new):
    got_new, quoted = split_quoted(text)

    assert got_new == new
    assert quoted
    _assert_nothing_lost(text, got_new, quoted)


@pytest.mark.parametrize(
    "text",
    [
        # A sentence that starts with "El" is not an attribution.
        "El pago ya fue realizado.\nEl voucher va adjunto.",
        # "De:" alone is not an Outlook header block.
        "Estimados:\nDe: mi parte, todo conforme.\nGracias.",
        # Quotes interleaved with answers keep their context.
        "> ¿Monto?\nS/ 5,000\n> ¿Fecha?\n15 de marzo",
        # A forward introduces what the sender wants read.
        "Para su revisión.\n\n---------- Mensaje reenviado ---------\nDe: SUNAT\n"
        "Date: lun\nSubject: Notificación\nTo: nosotros\n\nResolución",
        "",
        "Solo una línea.",
    ],
)
def test_text_without_history_is_all_new(text):
    new, quoted = split_quoted(text)

    assert quoted == ""
    assert new == text.strip()


def test_history_inside_a_forwarded_message_still_folds():
    text = (
        "Rosario, para su revisión.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Jorge Salas <jorge.salas@andinas.example>\n"
        "Date: Mon, Mar 3, 2025\nSubject: Rescate\nTo: Lucía\n\n"
        "Quisiera rescatar mi inversión.\n\n"
        "On Sun, Mar 2, 2025 Lucía <lucia@generafactoring.pe> wrote:\n> Hola"
    )

    new, quoted = split_quoted(text)

    assert new.endswith("Quisiera rescatar mi inversión.")
    assert quoted.startswith("On Sun, Mar 2, 2025")


def test_attribution_after_a_finished_sentence_cuts_at_the_attribution():
    text = (
        "El pago ya fue realizado.\n"
        "El lun, 3 mar 2025 a las 10:00, Cobranzas <cobranza@generafactoring.pe>\n"
        "escribió:\n> ¿Pagó?"
    )

    new, quoted = split_quoted(text)

    assert new == "El pago ya fue realizado."
    assert quoted.startswith("El lun, 3 mar 2025")


def test_a_message_that_is_only_a_quote_stays_visible():
    text = "On Mon, Mar 3, 2025 Jorge <j@x.pe> wrote:\n> hola"

    assert split_quoted(text) == (text, "")


def test_crlf_and_cr_line_endings_are_read():
    new, quoted = split_quoted("Gracias.\r\n\r\n-- \r\nJorge\rSalas")

    assert new == "Gracias."
    assert quoted == "-- \nJorge\nSalas"


_LINES = st.sampled_from(
    [
        "Gracias, adjunto la constancia.",
        "",
        "   ",
        "> texto citado",
        ">",
        "-- ",
        "--",
        "Enviado desde mi iPhone",
        "El lun, 3 mar 2025 a las 10:00, Fulano <x@y.pe> escribió:",
        "El lun, 3 mar 2025 a las 10:00, Fulano <x@y.pe>",
        "escribió:",
        "On Mon, Mar 3, 2025 Jorge <j@x.pe> wrote:",
        "-----Mensaje original-----",
        "________________________________",
        "De: Rosario Quispe",
        "Enviado el: lunes",
        "Para: María",
        "Asunto: estado de cuenta",
        "From: X",
        "Sent: Monday",
        "Subject: y",
        "\t",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_LINES, st.text(max_size=80)), max_size=40))
def test_split_never_loses_or_reorders_content(lines):
    text = "\n".join(lines)

    new, quoted = split_quoted(text)

    _assert_nothing_lost(text, new, quoted)
    if _filled_lines(text):
        assert _filled_lines(new)  # something always stays visible


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_split_never_loses_content_of_any_text(text):
    new, quoted = split_quoted(text)

    _assert_nothing_lost(text, new, quoted)
