"""Ticket tokens, reply prefixes and routing initials in subjects."""

from __future__ import annotations

import pytest

from ventanilla.channels.mail.subjects import (
    strip_prefixes,
    subject_initial,
    ticket_token,
)


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("[#10042] Solicitud de adición", 10042),
        ("RE: [#10042] Solicitud de adición", 10042),
        ("Re: RV: Solicitud de adición [#10042]", 10042),
        ("[ #10042 ] espacios", 10042),
        ("[Ventanilla #10042] Estado de cuenta", 10042),
        ("[Genera Factoring #7] Estado de cuenta", 7),
        ("[#10042] y luego [#10043]", 10042),
        # only inside brackets: invoice and order numbers look the same
        ("Factura #10042 pendiente", None),
        ("Pedido (#10042)", None),
        ("[FIN] estado de cuenta", None),
        ("[#] vacío", None),
        ("[#abc] letras", None),
        ("", None),
    ],
)
def test_ticket_token(subject, number):
    assert ticket_token(subject) == number


@pytest.mark.parametrize(
    ("subject", "stripped"),
    [
        ("RE: Liquidación", "Liquidación"),
        ("Re: RE: re: Liquidación", "Liquidación"),
        ("RV: Liquidación", "Liquidación"),
        ("FW: Liquidación", "Liquidación"),
        ("Fwd: Liquidación", "Liquidación"),
        ("FWD:Liquidación", "Liquidación"),
        ("AW: Liquidación", "Liquidación"),
        ("R: Liquidación", "Liquidación"),
        ("RE : Liquidación", "Liquidación"),
        ("Re[2]: Liquidación", "Liquidación"),
        ("RE: RV:FW: fwd : Liquidación", "Liquidación"),
        ("  RE:   Liquidación  ", "Liquidación"),
        ("Liquidación RE: marzo", "Liquidación RE: marzo"),
        ("Reunión: comité", "Reunión: comité"),
        ("Revisión de facturas", "Revisión de facturas"),
        ("", ""),
    ],
)
def test_strip_prefixes(subject, stripped):
    assert strip_prefixes(subject) == stripped


@pytest.mark.parametrize(
    ("subject", "initial"),
    [
        ("FIN: estado de cuenta marzo", "FIN"),
        ("fin: estado de cuenta marzo", "FIN"),
        ("Fin : estado de cuenta", "FIN"),
        ("FIN - estado de cuenta", "FIN"),
        ("FIN\u2013 estado de cuenta", "FIN"),  # an en dash, as Outlook types it
        ("[FIN] estado de cuenta", "FIN"),
        ("[ fin ] estado de cuenta", "FIN"),
        ("COB: recordatorio F001-77", "COB"),
        ("OPE - desembolso", "OPE"),
        ("[SOP] no puedo ingresar", "SOP"),
        ("RE: FIN: estado de cuenta", "FIN"),
        ("RV: re: [COB] liquidación", "COB"),
        ("RE: [#10070] FIN: estado de cuenta marzo", "FIN"),
        ("[#10070] RE: OPE - desembolso", "OPE"),
        # a word that only begins with an initial is not one
        ("Fin de mes: cierre", None),
        ("Finanzas: consulta", None),
        ("Fin-de-mes", None),
        ("FIN estado de cuenta", None),
        ("Cobranza de factura", None),
        # unknown initials and no initial at all leave the ticket in triage
        ("ABC: consulta", None),
        ("[URGENTE] pago", None),
        ("Consulta general", None),
        ("", None),
    ],
)
def test_subject_initial_default_initials(subject, initial):
    assert subject_initial(subject) == initial


def test_subject_initial_with_configured_initials():
    initials = ["COM", "tic"]

    assert subject_initial("COM: nueva propuesta", initials) == "COM"
    assert subject_initial("[TIC] laptop", initials) == "TIC"
    assert subject_initial("FIN: estado de cuenta", initials) is None
