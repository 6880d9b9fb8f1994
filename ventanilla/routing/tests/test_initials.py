"""R-CLS-2: the subject initial routes internal requests."""

from __future__ import annotations

import pytest

from ventanilla.routing.initials import read_initial, strip_reply_prefixes


@pytest.mark.parametrize(
    ("subject", "initial"),
    [
        ("FIN: estado de cuenta marzo", "FIN"),
        ("fin: estado de cuenta marzo", "FIN"),
        ("FIN - estado de cuenta", "FIN"),
        ("Cob - liquidación 123", "COB"),
        ("FIN– conciliación", "FIN"),  # noqa: RUF001 - an en dash, as Outlook types it
        ("FIN- conciliación", "FIN"),
        ("[FIN] estado de cuenta", "FIN"),
        ("[ope] desembolso", "OPE"),
        ("Fin : cierre", "FIN"),
        ("SOP:", "SOP"),
        ("RE: FIN: estado de cuenta", "FIN"),
        ("rv: Fw: FWD: re: COB: cobro", "COB"),
        ("Re[2]: SOP - acceso al CRM", "SOP"),
        ("RE: [#10042] OPE: desembolso", "OPE"),
    ],
)
def test_initial_is_read_in_every_form_and_case(subject, initial):
    # when
    found = read_initial(subject)

    # then
    assert found is not None
    assert (found.code, found.known) == (initial, True)


@pytest.mark.parametrize(
    "subject",
    [
        "Fin de mes",
        "Fin-de-mes: cierre contable",
        "Finanzas: consulta",
        "Consulta: estado de cuenta",
        "Hola: quisiera invertir",
        "Cobranza pendiente",
        "FIN estado de cuenta",
        "",
        "RE:",
        "Factura F001-123",
    ],
)
def test_words_that_only_look_like_an_initial_are_not_initials(subject):
    assert read_initial(subject) is None


def test_an_initial_in_capitals_that_no_rule_knows_is_unknown():
    found = read_initial("RE: XYZ: pedido de algo")

    assert found is not None
    assert (found.code, found.known) == ("XYZ", False)


def test_initials_named_by_rules_are_known_besides_the_spec_ones():
    found = read_initial("leg: contrato", known={"LEG"})

    assert found is not None
    assert (found.code, found.known) == ("LEG", True)


def test_reply_and_forward_prefixes_are_stripped_in_any_case():
    assert strip_reply_prefixes("RE: rv: Fw: FWD: re[3]: Liquidación") == "Liquidación"
    assert strip_reply_prefixes("Respuesta pendiente") == "Respuesta pendiente"
