"""A search request through any engine: the user's words read as units (kms.search.parse), each
weighted by how distinctive it is, corrections, paging, and the coverage rule.

Every unit is optional but counted. A record is listed when it covers enough of the query's
weight (IDF of each unit, over the whole index): all of it for one or two words, a share that
falls as the query grows (a long problem sentence is never matched word for word). When no
record covers that much, the records above the *close-match floor* are listed instead
(`match: "partial"`); when none reaches the floor either, the answer is `no_close_match` and no
records (an honest "nothing fits" instead of weak hits). The rule is computed here from the
units' weights, so every engine behaves alike; the engine only sums the weights it is given.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from kms.search import corrector
from kms.search.engine import EngineQuery, EngineResult, Hit
from kms.search.parse import ParsedQuery, parse
from kms.search.query import SearchQuery
from kms.search import thesaurus as thesauri
from kms.search.thesaurus import Thesaurus

EPSILON = 1e-6
LONG = 4
ABSENT_SHARE = 0.5


def listing_share(units: int) -> float:
    """How much of the query's weight a listed record covers, by the number of units."""
    if units <= 2:
        return 1.0
    if units <= 4:
        return 0.6
    if units <= 8:
        return 0.4
    return 0.3


def floor_share(units: int) -> float:
    """The close-match floor: below it a record is not an answer to the query."""
    if units <= 1:
        return 1.0
    if units <= 4:
        return 0.5
    if units <= 8:
        return 0.3
    return 0.2


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: tuple[Hit, ...]
    facets: dict                    # raw counts: facet -> value -> count
    page: int
    per_page: int
    corrected_query: str | None     # the query with its corrections, whether or not applied
    corrected: bool                 # the hits include matches of the corrected words
    parsed: ParsedQuery             # what the hits matched (for highlighting)
    match: str = "all"              # "all": some record covers every unit; "partial"
    no_close_match: bool = False    # nothing reaches the close-match floor


def idf(documents: int, frequency: int) -> float:
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


def _frequency(engine, option) -> int:
    terms = getattr(option, "terms", None) or (getattr(option, "term", None),)
    if getattr(option, "prefix", None):
        return 0        # a prefix never decides how distinctive a word is
    counts = [max(engine.document_frequency("body", t), engine.document_frequency("title", t))
              for t in terms if t]
    return min(counts) if counts else 0


def weigh(engine, parsed: ParsedQuery) -> ParsedQuery:
    """The same query with each clause weighted by the IDF of its most used option. In a query
    of LONG units or more, a word no record uses (after its alternatives and corrections)
    counts ABSENT_SHARE of the heaviest word that records do use: a sentence's incidental words
    say less than its topic words, while in a short query the missing word is the point."""
    documents = max(1, engine.document_count())
    frequencies = [max((_frequency(engine, option) for option in clause.options), default=0)
                   for clause in parsed.clauses]
    weights = [idf(documents, f) for f in frequencies]
    if len(weights) >= LONG:
        present = [w for w, f in zip(weights, frequencies) if f]
        cap = ABSENT_SHARE * max(present) if present else None
        weights = [w if f or cap is None else min(w, cap) for w, f in zip(weights, frequencies)]
    clauses = tuple(replace(c, weight=round(w, 4)) for c, w in zip(parsed.clauses, weights))
    return replace(parsed, clauses=clauses)


def engine_query(query: SearchQuery, parsed: ParsedQuery, min_weight: float = 0.0,
                 paged: bool = True, facets: bool = True) -> EngineQuery:
    return EngineQuery(clauses=parsed.clauses, boosts=parsed.boosts, min_weight=min_weight,
                       filters=query.filters, year_from=query.year_from, year_to=query.year_to,
                       sort=query.sort, offset=(query.page - 1) * query.per_page if paged else 0,
                       limit=query.per_page, facets=facets)


def read_query(engine, text: str, thesaurus: Thesaurus | None) -> tuple[ParsedQuery, dict]:
    """The parsed, weighted query and the corrections found for its words (`thesaurus` None:
    the bundled one)."""
    thesaurus = thesaurus or thesauri.current()
    first = parse(text, thesaurus)
    translated = {u.text for u in first.units if u.alternatives}
    fixes = corrector.corrections(engine, [u.text for u in first.units if not u.phrase], translated)
    parsed = parse(text, thesaurus, fixes) if fixes else first
    return weigh(engine, parsed), fixes


def thresholds(parsed: ParsedQuery) -> tuple[float, float, float]:
    """(all, listing, floor) as weights to cover."""
    total = sum(c.weight for c in parsed.clauses)
    units = len(parsed.clauses)
    return total, listing_share(units) * total, floor_share(units) * total


def search(engine, query: SearchQuery, thesaurus: Thesaurus | None = None) -> SearchResult:
    """Hits, exact disjunctive facet counts, corrections, match and no_close_match."""
    parsed, fixes = read_query(engine, query.q, thesaurus) if query.q else (parse(""), {})
    suggestion = corrector.corrected_text(query.q, fixes) if fixes else None
    if not parsed.clauses:          # filters only (or nothing but fillers): every record selected
        found: EngineResult = engine.search(engine_query(query, parsed))
        return SearchResult(found.total, found.hits, _plain(found.facets), query.page, query.per_page,
                            suggestion, False, parsed)
    everything, listing, floor = thresholds(parsed)
    found = engine.search(engine_query(query, parsed, listing - EPSILON))
    if found.total and listing >= everything - EPSILON:
        match = "all"
    elif found.total:       # listed by share: does any record cover every unit?
        complete = engine.search(replace(engine_query(query, parsed, everything - EPSILON, facets=False),
                                         limit=0))
        match = "all" if complete.total else "partial"
    else:
        match = "partial"
        if floor < listing:
            found = engine.search(engine_query(query, parsed, floor - EPSILON))
    corrected = bool(fixes) and found.total > 0
    return SearchResult(found.total, found.hits, _plain(found.facets), query.page, query.per_page,
                        suggestion, corrected, parsed, match, found.total == 0)


def _plain(facets) -> dict:
    return {k: dict(v) for k, v in facets.items()}


def matching_ids(engine, query: SearchQuery, thesaurus: Thesaurus | None = None) -> list[str]:
    """Every record id the query's words and filters select (no paging, no ranking), by the
    same coverage rule as search."""
    if not query.q:
        return engine.matching_ids(engine_query(query, parse(""), paged=False))
    parsed, _fixes = read_query(engine, query.q, thesaurus)
    if not parsed.clauses:
        return engine.matching_ids(engine_query(query, parsed, paged=False))
    _everything, listing, floor = thresholds(parsed)
    ids = engine.matching_ids(engine_query(query, parsed, listing - EPSILON, paged=False))
    if not ids and floor < listing:
        ids = engine.matching_ids(engine_query(query, parsed, floor - EPSILON, paged=False))
    return ids
