"""The seam between the product and a full-text engine: what an engine is given and what it
answers, as plain data.

An engine indexes `IndexDocument`s (already analysed: it never tokenizes, stems, reads the
store, calls a feature, labels a value or writes HTML), answers an `EngineQuery` with an
`EngineResult` (ids, scores, total, raw disjunctive facet counts) and offers the vocabulary
look-ups the features above it need. Everything else (parsing the user's words, corrections,
paging, highlighting, labels) lives above the seam, once for every engine. The contract suite
(tests/test_engine_contract.py) states what an engine must do; a new engine is added to
`kms.search.ENGINES` and passes it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Protocol, Union

TEXT_FIELDS = ("title", "names", "body")
SPELL_FIELD = "spell"
# names: the agency, unit and region, a field of their own so a long narrative does not dilute
# them (BM25 normalizes each field by its own length)
FIELD_BOOSTS = {"title": 2.0, "names": 2.0, "body": 1.0}
# Facets of several values per record (a record has many SDGs, comes from many hubs).
MULTI_FACETS = ("sdg", "hub", "award")
FACETS = ("province", "regency", "year", "agency_type", "sector", "category", "award", "sdg",
          "stage", "status", "hub", "agency", "digital")
SORTS = ("relevance", "newest", "title")


@dataclass(frozen=True)
class IndexDocument:
    """One record as an engine holds it. Terms come from kms.search.analysis."""
    id: str
    title: tuple[str, ...]                  # terms of the title
    body: tuple[str, ...]                   # terms of the narrative
    spell: tuple[str, ...]                  # words as written, for corrections and prefixes
    facets: Mapping[str, tuple[str, ...]]   # facet name -> values (empty tuple: none)
    year: int = 0
    updated: int = 0                        # last update as yyyymmddhhmmss, for sort=newest
    sort_title: str = ""                    # for sort=title
    names: tuple[str, ...] = ()             # terms of the agency, unit and region names


@dataclass(frozen=True)
class Term:
    term: str
    fields: tuple[str, ...] = TEXT_FIELDS
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    prefix: str
    fields: tuple[str, ...] = TEXT_FIELDS
    boost: float = 0.5


@dataclass(frozen=True)
class Phrase:
    terms: tuple[str, ...]
    fields: tuple[str, ...] = TEXT_FIELDS
    slop: int = 1                           # 1: the terms next to each other, in order
    boost: float = 1.0


Option = Union[Term, Prefix, Phrase]


@dataclass(frozen=True)
class Clause:
    """A document satisfies a clause when any of its options matches. `weight` counts towards
    the query's `min_weight` (an optional clause's share of what the query asks for)."""
    options: tuple[Option, ...]
    required: bool = True
    weight: float = 1.0


@dataclass(frozen=True)
class EngineQuery:
    """Required clauses must all match; optional ones add to the score. A document must also
    match optional clauses whose weights sum to at least `min_weight` (with 0, and no required
    clause, at least one optional clause). `boosts` only add to the score of documents the
    clauses select; they never select one. No clauses: every document."""
    clauses: tuple[Clause, ...] = ()
    min_weight: float = 0.0
    boosts: tuple[Clause, ...] = ()
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)   # OR within, AND across
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = True                     # count facets (off for candidate look-ups)


@dataclass(frozen=True)
class Hit:
    id: str
    score: float


@dataclass(frozen=True)
class EngineResult:
    total: int
    hits: tuple[Hit, ...]
    facets: Mapping[str, Mapping[str, int]]   # facet -> value -> count; each facet counted with
                                              # every other facet's filter applied, not its own


@dataclass(frozen=True)
class Selected:
    """The documents a query selects, as the facet arrays of the index generation it read
    (kms.search.facets.FacetArrays), a boolean mask over its documents and each document's
    record id; for tabulating (kms.stats) without a record loop."""
    arrays: object
    mask: object
    ids: object


class IndexDamaged(RuntimeError):
    """The index files cannot be read: rebuild from the store."""


class SearchEngine(Protocol):
    name: str

    # -- the index ----------------------------------------------------------------------------
    def exists(self) -> bool:
        """An index is there and opens."""

    def analysis_version(self) -> str | None:
        """The analysis version the index was built with (None: unknown or no index)."""

    def rebuild(self, documents: Iterable[IndexDocument], analysis_version: str) -> int:
        """Replace the whole index with these documents; answers how many."""

    def update(self, documents: Iterable[IndexDocument]) -> int:
        """Add or rewrite these documents (by id)."""

    def remove(self, ids: Iterable[str]) -> int:
        """Drop these ids."""

    # -- searching ----------------------------------------------------------------------------
    def search(self, query: EngineQuery) -> EngineResult:
        """Ranked (or sorted) hits from `offset`, `limit` of them, with the total and facets."""

    def matching_ids(self, query: EngineQuery) -> list[str]:
        """Every id the query and its filters select (no paging, no ranking)."""

    def selected(self, query: EngineQuery) -> Selected:
        """The same selection as matching_ids, as a mask over the facet arrays."""

    # -- vocabulary -----------------------------------------------------------------------------
    def document_count(self) -> int:
        """Documents in the index."""

    def document_frequency(self, field: str, term: str) -> int:
        """Documents whose `field` holds `term`."""

    def terms_with_prefix(self, field: str, prefix: str) -> list[tuple[str, int]]:
        """(term, document frequency) of the terms of `field` starting with `prefix`."""

    def fuzzy_terms(self, field: str, word: str, max_distance: int) -> list[tuple[str, int, int]]:
        """(term, documents, occurrences) of the terms of `field` within `max_distance` edits
        of `word` (Levenshtein, the word itself excluded)."""

    def phrase_count(self, field: str, terms: tuple[str, ...], slop: int = 1,
                     stop_at: int | None = None) -> int:
        """Documents whose `field` holds these terms in order (at most `slop` - 1 others
        between neighbours). Exact up to `stop_at`; past it, any number above `stop_at`."""
