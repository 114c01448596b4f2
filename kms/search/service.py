"""A search request through any engine: the user's words parsed, paging, and the correction
policy (a query that finds nothing is retried with its corrected spelling)."""
from __future__ import annotations

from dataclasses import dataclass

from kms.search.corrector import correction
from kms.search.engine import EngineQuery, EngineResult, Hit
from kms.search.parse import ParsedQuery, parse
from kms.search.query import SearchQuery


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: tuple[Hit, ...]
    facets: dict                    # raw counts: facet -> value -> count
    page: int
    per_page: int
    corrected_query: str | None     # a suggestion, whether or not it was applied
    corrected: bool                 # the hits are those of corrected_query
    parsed: ParsedQuery             # what the hits matched (for highlighting)


def engine_query(query: SearchQuery, parsed: ParsedQuery, paged: bool = True) -> EngineQuery:
    return EngineQuery(clauses=parsed.clauses, filters=query.filters, year_from=query.year_from,
                       year_to=query.year_to, sort=query.sort,
                       offset=(query.page - 1) * query.per_page if paged else 0,
                       limit=query.per_page)


def search(engine, query: SearchQuery) -> SearchResult:
    """Hits, exact disjunctive facet counts and a spelling correction."""
    suggestion = correction(engine, query.q) if query.q else None
    parsed = parse(query.q)
    found: EngineResult = engine.search(engine_query(query, parsed))
    corrected = False
    if found.total == 0 and suggestion:
        retry_parsed = parse(suggestion)
        retry = engine.search(engine_query(query, retry_parsed))
        if retry.total:
            found, parsed, corrected = retry, retry_parsed, True
    return SearchResult(found.total, found.hits, {k: dict(v) for k, v in found.facets.items()},
                        query.page, query.per_page, suggestion, corrected, parsed)


def matching_ids(engine, query: SearchQuery) -> list[str]:
    """Every record id the query's words and filters select (no paging, no ranking)."""
    return engine.matching_ids(engine_query(query, parse(query.q), paged=False))
