"""A search request through any engine: the user's words read as units (kms.search.parse), each
weighted by how distinctive it is, corrections, paging, and the coverage rule.

Every unit is optional but counted. A record is listed when it covers at least the
*close-match floor* of the query's weight (IDF of each unit, over the whole index): the one
word of a one-word query, half of a short query, a share that falls as the query grows (a long
problem sentence is never matched word for word); records covering more rank first through
the engine's BM25 over every unit. `match` says whether some record covers every unit
("all") or not ("partial"); when no record reaches the floor the answer is `no_close_match`
and no records (an honest "nothing fits" instead of weak hits). The rule is computed here from the
units' weights, so every engine behaves alike; the engine only sums the weights it is given.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from kms.search import corrector, lexicon
from kms.search.engine import TEXT_FIELDS, EngineQuery, EngineResult, Hit
from kms.search.parse import ParsedQuery, parse
from kms.search.query import SearchQuery
from kms.search import thesaurus as thesauri
from kms.search.thesaurus import Thesaurus

EPSILON = 1e-6
LONG = 4
MAX_UNITS = 12      # words that select and score, at most (the most distinctive ones)
ABSENT_SHARE = 0.5


# (up to this many units, share of the query's weight a record must cover): the close-match
# floor, calibrated on the calibrate half of scripts/eval_search.py's queries
FLOORS = ((1, 1.0), (2, 0.5), (4, 0.4), (8, 0.3), (10_000, 0.15))


def floor_share(units: int) -> float:
    """The close-match floor: below it a record is not an answer to the query."""
    return next(share for most, share in FLOORS if units <= most)


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
    counts = [max(engine.document_frequency(field, t) for field in TEXT_FIELDS) for t in terms if t]
    return min(counts) if counts else 0


def _typed(clause) -> str:
    """The word a clause stands for (its first term), for telling English words apart."""
    first = clause.options[0] if clause.options else None
    return getattr(first, "term", "") or ""


def weigh(engine, parsed: ParsedQuery) -> ParsedQuery:
    """The same query with each clause weighted by the IDF of its most used option. In a query
    of LONG units or more, a word no record uses (after its alternatives and corrections)
    counts ABSENT_SHARE of the heaviest word that records do use: a sentence's incidental words
    say less than its topic words, while in a short query the missing word is the point. An
    English word no record uses (a translation the glossary lacks) is capped in any query."""
    documents = max(1, engine.document_count())
    frequencies = [max((_frequency(engine, option) for option in clause.options), default=0)
                   for clause in parsed.clauses]
    weights = [idf(documents, f) for f in frequencies]
    present = [w for w, f in zip(weights, frequencies) if f]
    cap = ABSENT_SHARE * max(present) if present else None
    long_query = len(weights) >= LONG
    full = 0.0
    for i, (clause, frequency) in enumerate(zip(parsed.clauses, frequencies)):
        english = not frequency and lexicon.is_english(_typed(clause))
        if not frequency and cap is not None and (long_query or english):
            weights[i] = min(weights[i], cap)
        full += round(weights[i] if english else idf(documents, frequency), 4)
    clauses = [replace(c, weight=round(w, 4)) for c, w in zip(parsed.clauses, weights)]
    if len(clauses) > MAX_UNITS:     # a page-long query: its most distinctive words decide
        kept = sorted(sorted(range(len(clauses)), key=lambda i: -clauses[i].weight)[:MAX_UNITS])
        dropped = sum(clauses[i].weight for i in range(len(clauses)) if i not in kept)
        full = max(0.0, full - dropped)
        clauses = [clauses[i] for i in kept]
    return replace(parsed, clauses=tuple(clauses), full_weight=full)


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


def thresholds(parsed: ParsedQuery) -> tuple[float, float]:
    """(all, floor) as weights to cover. The floor counts words no record uses at their full
    weight: a query most of whose words are in no record is not answered by the records that
    share its one common word."""
    total = sum(c.weight for c in parsed.clauses)
    return total, floor_share(len(parsed.clauses)) * max(total, parsed.full_weight)


def search(engine, query: SearchQuery, thesaurus: Thesaurus | None = None,
           facets: bool = True) -> SearchResult:
    """Hits, exact disjunctive facet counts (unless `facets` is off), corrections, match and
    no_close_match."""
    parsed, fixes = read_query(engine, query.q, thesaurus) if query.q else (parse(""), {})
    suggestion = corrector.corrected_text(query.q, fixes) if fixes else None
    if not parsed.clauses:          # filters only (or nothing but fillers): every record selected
        found: EngineResult = engine.search(engine_query(query, parsed, facets=facets))
        return SearchResult(found.total, found.hits, _plain(found.facets), query.page, query.per_page,
                            suggestion, False, parsed)
    everything, floor = thresholds(parsed)
    found = engine.search(engine_query(query, parsed, floor - EPSILON, facets=facets))
    match = "partial"
    if found.total and floor >= everything - EPSILON:
        match = "all"
    elif found.total:       # does any record cover every unit?
        complete = engine.search(replace(engine_query(query, parsed, everything - EPSILON, facets=False),
                                         limit=0))
        match = "all" if complete.total else "partial"
    corrected = bool(fixes) and found.total > 0
    return SearchResult(found.total, found.hits, _plain(found.facets), query.page, query.per_page,
                        suggestion, corrected, parsed, match, found.total == 0)


def _plain(facets) -> dict:
    return {k: dict(v) for k, v in facets.items()}


def matching_ids(engine, query: SearchQuery, thesaurus: Thesaurus | None = None) -> list[str]:
    """Every record id the query's words and filters select (no paging, no ranking), by the
    same coverage rule as search."""
    return engine.matching_ids(_unpaged(engine, query, thesaurus))


def selected(engine, query: SearchQuery, thesaurus: Thesaurus | None = None):
    """The same selection as a mask over the index's facet arrays (engine.Selected)."""
    return engine.selected(_unpaged(engine, query, thesaurus))


def _unpaged(engine, query: SearchQuery, thesaurus: Thesaurus | None):
    parsed = read_query(engine, query.q, thesaurus)[0] if query.q else parse("")
    floor = thresholds(parsed)[1] - EPSILON if parsed.clauses else 0.0
    return engine_query(query, parsed, floor, paged=False)
