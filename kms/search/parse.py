"""The user's words as a query for any engine: quoted phrases, words (stemmed, and as a
prefix of four letters or more), which of them are required. Syntax that does not parse is
read as plain words (an unmatched quote is ignored)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kms.search import analysis
from kms.search.engine import Clause, Phrase, Prefix, Term

MIN_PREFIX = 4


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[Clause, ...]
    terms: frozenset[str]        # every term the query looks for (for highlighting)
    prefixes: frozenset[str]     # words also matched as prefixes


def parse(text: str) -> ParsedQuery:
    phrases = re.findall(r'"([^"]+)"', text or "")
    rest = re.sub(r'"[^"]+"', " ", text or "").replace('"', " ")
    clauses, terms, prefixes = [], set(), set()
    for phrase in phrases:
        found = tuple(analysis.terms(phrase))
        if found:
            terms.update(found)
            clauses.append(Clause((Phrase(found),)))
    for raw in re.findall(r"[\w-]+", rest):
        found = analysis.terms(raw)
        if not found:
            continue
        options = []
        for term in found:
            terms.add(term)
            options.append(Term(term))
        word = analysis.fold(raw)
        if len(word) >= MIN_PREFIX and word.isalpha():
            prefixes.add(word)
            options.append(Prefix(word))
        clauses.append(Clause(tuple(options)))
    return ParsedQuery(tuple(clauses), frozenset(terms), frozenset(prefixes))
