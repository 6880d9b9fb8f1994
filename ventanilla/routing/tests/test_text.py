"""Keywords match whatever the accents and case, where a word starts."""

from __future__ import annotations

import pytest

from ventanilla.routing.text import keywords, normalize, searchable


def test_normalize_drops_accents_case_and_punctuation():
    assert normalize("  FACTURACIÓN,   Ñuñoa\n(N° 12-3)") == "facturacion nunoa n 12 3"


@pytest.mark.parametrize(
    ("keyword", "text", "matches"),
    [
        ("adición", "Solicito una ADICION a mi inversión", True),
        ("adicion", "Solicito una adición", True),
        ("factura", "Adjunto las Facturas de octubre", True),
        ("factura", "Factura N° 123", True),
        ("inversion", "Soy inversionista", True),
        ("ion", "mi inversión", False),
        ("retiro de inversión", "Quiero hacer un RETIRO DE INVERSION, parcial", True),
        ("retiro de inversion", "retiro parcial de la inversión", False),
        ("retiro de inv", "un retiro de inversiones", True),
        ("sunat", "Notificación SUNAT - Buzón electrónico", True),
        ("f001-2345", "la factura F001 2345 del mes", True),
        ("a" * 45, "prefijo " + "a" * 50, True),
        ("a" * 45, "prefijo " + "a" * 44, False),
    ],
)
def test_keywords_match_at_word_starts_ignoring_accents_and_case(
    keyword, text, matches
):
    found = keywords([keyword])

    assert found is not None
    assert found.found_in(searchable(text)) is matches


def test_no_keywords_give_nothing_to_match():
    assert keywords(["  ", "", "¡!"]) is None
