"""Full-text search of tickets (what agents type in the desk's search box).

Recall rules, on both databases:

1. Accents do not matter: "facturacion" finds "Facturación".
2. Singular and plural find each other: "devolución" finds
   "devoluciones" and back.
3. Every word must match (AND); a word may match the subject, the ticket
   number, the requester's name or email, or any message body or note.
4. A whole email address is one word, matched exactly (not as a prefix of
   each of its parts): "ana.paz@andinas.example" finds the tickets whose
   requester or text has that address, and not every ticket whose text
   has "example" and "ana" somewhere. Part of an address ("andinas",
   "ana.paz") is matched as words, as before.

How, on PostgreSQL: each document has a Spanish-stemmed vector and an
unaccented simple vector (``search.schema``). Spanish stemming cannot run
after unaccent (``facturaciones`` would stem to ``factur`` but
``facturacion`` stays whole, see SETUP-NOTES), so each query word is
matched against both: stemmed as typed against the Spanish vector, or
unaccented, with its plural ending cut, as a prefix against the simple
vector. On SQLite, FTS5 folds the diacritics and the same cut prefix
stands in for the stemmer (it covers plurals, not verb forms).

Results are ordered by rank (subject words weigh most, then number and
requester, then bodies), then by recency. Callers pass a queryset that
already went through ``directory.access.visible_tickets``, so a search
never reaches a ticket its user may not see.
"""

from __future__ import annotations

import re
import unicodedata
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import CombinedExpression, RawSQL

from ventanilla.search.models import TicketDocument
from ventanilla.search.schema import SQLITE_TABLE
from ventanilla.tickets.models import Ticket

# Words of a query beyond this many are ignored (each costs an index probe).
MAX_WORDS = 8
# Spanish function words: they carry no meaning and match nearly everything.
STOPWORDS = frozenset(
    """a al con de del el en es la las lo los mi mis no o para por que se
    su sus un una uno unos unas y""".split()  # noqa: SIM905
)
# An email address (kept whole), else a word.
_TOKEN = re.compile(r"[\w.+'-]*\w@\w[\w-]*(?:\.[\w-]+)+|\w+")


def is_address(word: str) -> bool:
    """Whether a query word is a whole email address (``query_words``)."""
    return "@" in word


def unaccent(text: str) -> str:
    """``text`` without diacritics (á→a, ñ→n, ü→u), lower case."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def singular_prefix(word: str) -> str:
    """A prefix shared by the singular and plural of a Spanish word.

    "devoluciones" and "devolucion" give "devolucion", "facturas" gives
    "factura", "luces" gives "luz" (so the plural finds the singular; the
    singular "luz" does not find "luces", on either database).
    """
    if len(word) > 4 and word.endswith("ces"):
        return word[:-3] + "z"
    if len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        return word[:-2]
    if len(word) > 3 and word.endswith("s"):
        return word[:-1]
    return word


def query_words(text: str) -> list[str]:
    """The words of a query that take part in the search, lower case,
    without function words or repeats, at most ``MAX_WORDS``; an email
    address is one word."""
    words: list[str] = []
    for word in _TOKEN.findall(text.lower().replace("_", " ")):
        if word not in STOPWORDS and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


# -- PostgreSQL --------------------------------------------------------------


def _pg_word_queries(word: str) -> tuple[SearchQuery, SearchQuery]:
    if is_address(word):
        # PostgreSQL's parser keeps an address as one lexeme, in the
        # document and in the query alike: an exact lexeme, one cheap
        # index probe, where a prefix per part would read most of the
        # index ("example:*").
        return (
            SearchQuery(word, config="simple", search_type="plain"),
            SearchQuery(unaccent(word), config="simple", search_type="plain"),
        )
    stemmed = SearchQuery(word, config="spanish", search_type="plain")
    # The word is \w+ only, so it cannot break the tsquery syntax.
    prefix = SearchQuery(
        f"{singular_prefix(unaccent(word))}:*", config="simple", search_type="raw"
    )
    return stemmed, prefix


def _pg_match(words: list[str]) -> Q:
    conditions = []
    for word in words:
        stemmed, prefix = _pg_word_queries(word)
        conditions.append(
            Q(search_document__spanish=stemmed) | Q(search_document__simple=prefix)
        )
    return reduce(lambda a, b: a & b, conditions)


def _pg_rank(words: list[str]) -> CombinedExpression:
    pairs = [_pg_word_queries(word) for word in words]
    stemmed = reduce(lambda a, b: a | b, (p[0] for p in pairs))
    prefix = reduce(lambda a, b: a | b, (p[1] for p in pairs))
    return SearchRank(F("search_document__spanish"), stemmed) + SearchRank(
        F("search_document__simple"), prefix
    )


# -- SQLite ------------------------------------------------------------------


def _fts_term(word: str) -> str:
    if is_address(word):
        # A phrase of the address's parts, in order, as FTS5 split the
        # document's copy of it.
        parts = " ".join(re.findall(r"\w+", unaccent(word)))
        return f'"{parts}"'
    return f'"{singular_prefix(unaccent(word))}"*'


def _fts_expression(words: list[str]) -> str:
    # Quoted strings with a trailing * are FTS5 prefix queries; the words
    # are \w+ only (an address's parts too), so they cannot carry a quote.
    return " AND ".join(_fts_term(w) for w in words)


def _sqlite_ids(words: list[str]) -> RawSQL:
    # The table name is a constant; the match expression is a parameter.
    return RawSQL(  # noqa: S611
        f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s",  # noqa: S608
        [_fts_expression(words)],
    )


def _sqlite_rank(words: list[str]) -> RawSQL:
    # bm25 is lower for better matches; negated so that higher is better.
    # Weights: subject 10, head (number, requester) 5, bodies 1.
    table = Ticket._meta.db_table
    return RawSQL(  # noqa: S611
        f"SELECT -bm25({SQLITE_TABLE}, 10.0, 5.0, 1.0) FROM {SQLITE_TABLE} "  # noqa: S608
        f"WHERE {SQLITE_TABLE} MATCH %s AND rowid = {table}.id",
        [_fts_expression(words)],
        output_field=FloatField(),
    )


# -- public ------------------------------------------------------------------


def matching_q(text: str) -> Q:
    """The condition on tickets that they match ``text``; a query with no
    searchable word matches nothing. On PostgreSQL, the tickets having an
    address of ``text`` are read here (``_pg_address_matches``): one query
    when the condition is built."""
    words = query_words(text)
    if not words:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        addresses = [w for w in words if is_address(w)]
        ids = _pg_address_matches(addresses) if addresses else None
        return _pg_match(words) if ids is None else Q(id__in=ids) & _pg_match(words)
    return Q(id__in=_sqlite_ids(words))


def matching(queryset: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """The tickets of ``queryset`` that match ``text``, in any order."""
    return queryset.filter(matching_q(text))


def newest_matches(queryset: QuerySet[Ticket], text: str, *, limit: int) -> list[int]:
    """The ids of the newest ``limit`` tickets of ``queryset`` matching
    ``text``, newest first.

    Without ranking, PostgreSQL can take either road to them: the word
    indexes when the words are rare, or the tickets newest first, checking
    each document, when they are common (the newest 100 of 16,000 matches
    of two common words in a million tickets: 50-110 ms, against 1.7 s to
    rank them all; ``bench/RESULTS.md``).
    """
    return list(
        matching(queryset, text).order_by("-id").values_list("id", flat=True)[:limit]
    )


# An address is in few tickets; past this many, the plain query decides.
ADDRESS_MATCHES = 5000


def _pg_address_matches(addresses: list[str]) -> list[int] | None:
    """The ids of the tickets whose text has every one of ``addresses``,
    or None when more than ``ADDRESS_MATCHES`` have.

    Read first, unordered: the planner cannot tell how rare an address
    is (a lexeme outside its statistics counts as 0.5 % of the rows), and
    ordered newest first it walks every ticket backwards looking for them
    (1.1 s at a million tickets, against under 1 ms for this).
    """
    condition = reduce(
        lambda a, b: a & b,
        (
            Q(simple=SearchQuery(unaccent(a), config="simple", search_type="plain"))
            for a in addresses
        ),
    )
    ids = list(
        TicketDocument.objects.filter(condition).values_list("ticket_id", flat=True)[
            : ADDRESS_MATCHES + 1
        ]
    )
    return ids if len(ids) <= ADDRESS_MATCHES else None


def search_tickets(queryset: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """``matching`` annotated with ``search_rank`` and ordered by it, best
    first, then newest first."""
    return rank_tickets(matching(queryset, text), text)


def rank_tickets(queryset: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """Tickets known to match ``text`` (``newest_matches``), annotated with
    ``search_rank`` and ordered by it, best first, then newest first."""
    words = query_words(text)
    if not words:
        return queryset.none().annotate(
            search_rank=Value(0.0, output_field=FloatField())
        )
    rank = _pg_rank(words) if connection.vendor == "postgresql" else _sqlite_rank(words)
    return queryset.annotate(search_rank=rank).order_by(
        "-search_rank", "-created_at", "-id"
    )
