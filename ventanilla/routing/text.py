"""Accent- and case-insensitive keyword matching for rules.

``Facturación`` and ``FACTURACION`` both read ``facturacion``. A keyword
matches where a word starts, so ``factura`` finds "facturas" and "Factura
N° 123", ``inversion`` finds "inversionista", but ``ion`` does not match
inside "inversión". Punctuation separates words like a space does, so
``retiro de inversión`` finds "RETIRO DE INVERSION, parcial".

A message is prepared once (``searchable``) into the set of every prefix of
its words and its words joined by spaces; a one-word keyword is then a set
lookup and a phrase a substring search, whatever the number of rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
# Longer words contribute their first letters only; a longer one-word
# keyword is searched as a phrase instead (same meaning, a little slower).
_PREFIX_LIMIT = 40


# The combining marks Latin scripts use for accents, tildes and diaereses.
_MARKS = re.compile(r"[\u0300-\u036f]")


def normalize(text: str) -> str:
    """Lower-case, accents removed, only words separated by one space."""
    plain = (
        text if text.isascii() else _MARKS.sub("", unicodedata.normalize("NFKD", text))
    )
    return " ".join(_WORD.findall(plain.casefold()))


@dataclass(frozen=True)
class Searchable:
    prefixes: frozenset[str]
    # " word word word ": a phrase " a b" is found where a word starts.
    joined: str


def searchable(text: str) -> Searchable:
    normalized = normalize(text)
    words = set(normalized.split())
    prefixes = {
        word[:length]
        for word in words
        for length in range(1, min(len(word), _PREFIX_LIMIT) + 1)
    }
    return Searchable(frozenset(prefixes), f" {normalized} ")


@dataclass(frozen=True)
class Keywords:
    singles: frozenset[str]
    phrases: tuple[str, ...]

    def found_in(self, text: Searchable) -> bool:
        if not self.singles.isdisjoint(text.prefixes):
            return True
        return any(phrase in text.joined for phrase in self.phrases)


def keywords(words: Iterable[str]) -> Keywords | None:
    """The keywords of a rule, prepared for ``Keywords.found_in``."""
    normalized = {normalize(word) for word in words}
    normalized.discard("")
    if not normalized:
        return None
    singles = {w for w in normalized if " " not in w and len(w) <= _PREFIX_LIMIT}
    phrases = tuple(sorted(f" {w}" for w in normalized - singles))
    return Keywords(frozenset(singles), phrases)
