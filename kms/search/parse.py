"""The user's words as a query for any engine.

Each word the user typed (or quoted phrase) is one *unit*: a clause whose options are the word's
terms (kms.search.analysis), the alternatives the thesaurus knows for it (abbreviations,
synonyms, English translations, region short names) with a lower boost, and a spelling
correction when the service found one. Every unit is optional; how much of the query a record
must cover is decided by the service from the units' weights. Proximity and exact-title
phrases only add to the score (boosts). Syntax that does not parse is read as plain words (an
unmatched quote is ignored).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kms.search import analysis
from kms.search.engine import Clause, Phrase, Prefix, Term
from kms.search.thesaurus import Thesaurus, key

MIN_PREFIX = 4
HINT_BOOST = 0.4
MAX_PROXIMITY = 6     # longer queries get no proximity or title-phrase boosts (cost)
CORRECTION_BOOST = 0.9
PREFIX_BOOST = 0.3
# Words a person adds to a sentence that say nothing about the topic; in a query of four words
# or more they only add to the score (they never decide whether a record matches).
FILLERS = frozenset("""
kami kita saya aku kamu anda mereka dia beliau sering selalu harus perlu ingin mau bisa
bagaimana gimana gmn gmna cara caranya apa apakah mengapa kenapa kapan dimana mana siapa mohon
tolong info banyak sekali sangat terlalu agak sedang lagi jadi kalau jika bila kalo supaya
biar hingga sampai tapi tetapi namun nya lah dong sih kok sudah udah ya iya pak bu setiap tiap
semua seluruh
""".split())


@dataclass(frozen=True)
class Unit:
    """One thing the user asked for: a word, or a quoted phrase."""
    text: str                           # as typed (folded)
    terms: tuple[str, ...]              # its own terms
    phrase: bool = False
    filler: bool = False                # only scores, never selects
    alternatives: tuple[tuple[str, ...], ...] = ()     # alternative term sequences
    boosts: tuple[float, ...] = ()
    correction: str | None = None       # the corrected word, when the service found one
    hints: tuple[tuple[str, ...], ...] = ()     # weak alternatives (FreeDict): they only score


@dataclass(frozen=True)
class ParsedQuery:
    units: tuple[Unit, ...] = ()
    expansions: tuple[tuple[str, str, str], ...] = ()   # (typed, alternative, source) to show
    terms: frozenset[str] = frozenset()         # every term the query looks for (highlighting)
    prefixes: frozenset[str] = frozenset()      # words also matched as prefixes
    clauses: tuple[Clause, ...] = field(default=())
    boosts: tuple[Clause, ...] = field(default=())
    full_weight: float = 0.0     # the clauses' weights before absent words are capped

    @property
    def words(self) -> list[str]:
        return [unit.text for unit in self.units if not unit.phrase]


def _raw_units(text: str) -> list[tuple[str, bool]]:
    """(text, is_phrase) in the order typed."""
    out = []
    for match in re.finditer(r'"([^"]+)"|([^\s"]+)', text or ""):
        if match.group(1):
            out.append((match.group(1), True))
        else:
            out += [(raw, False) for raw in re.findall(r"\w+(?:[-.]\w+)*", match.group(2))]
    return out


def parse(text: str, thesaurus: Thesaurus | None = None,
          corrections: dict[str, str] | None = None) -> ParsedQuery:
    """The query `text` as units and clauses. `corrections`: word -> corrected word."""
    corrections = corrections or {}
    units: list[Unit] = []
    for raw, is_phrase in _raw_units(text):
        found = [t for t in analysis.tokens(raw) if not t.stop]
        if not found:
            continue
        if is_phrase:
            units.append(Unit(analysis.fold(raw), tuple(t.term for t in found if not t.part), phrase=True))
        else:
            word = analysis.fold(raw)
            terms = tuple(dict.fromkeys(t.term for t in found))
            if any(u.terms == terms and not u.phrase for u in units):
                continue            # a word said twice is asked for once
            units.append(Unit(word, terms, correction=corrections.get(word)))
    long_query = sum(1 for u in units if not u.phrase) >= 4
    units = [Unit(u.text, u.terms, u.phrase, long_query and not u.phrase and u.text in FILLERS,
                  correction=u.correction) for u in units]
    if all(u.filler or u.phrase for u in units) and not any(u.phrase for u in units):
        units = [Unit(u.text, u.terms, u.phrase, False, correction=u.correction) for u in units]
    expansions = []
    if thesaurus is not None:
        units, expansions = _expand(units, thesaurus)
    return _assemble(units, tuple(expansions))


def _expand(units: list[Unit], thesaurus: Thesaurus):
    """Add the thesaurus' alternatives to the units they stand for."""
    positions = [i for i, u in enumerate(units) if not u.phrase]
    words = [(key(units[i].correction or units[i].text) or ("",))[0] for i in positions]
    expansions = []
    extra: dict[int, list[tuple[tuple[str, ...], float]]] = {}
    weak: dict[int, list[tuple[str, ...]]] = {}
    for match in thesaurus.matches(words):
        span = positions[match.start:match.end]
        typed = " ".join(units[i].text for i in span)
        for alternative in match.alternatives:
            terms = tuple(analysis.terms(" ".join(alternative.words)))
            own = tuple(t for i in span for t in units[i].terms[:1])
            if not terms or terms == own:
                continue            # an alternative that is the typed words again
            for i in span:
                if alternative.source == "freedict":
                    weak.setdefault(i, []).append(terms)
                else:
                    extra.setdefault(i, []).append((terms, alternative.boost))
            expansions.append((typed, " ".join(alternative.words), alternative.source))
    out = []
    for i, unit in enumerate(units):
        alts = extra.get(i, [])
        out.append(Unit(unit.text, unit.terms, unit.phrase, unit.filler,
                        tuple(a for a, _b in alts), tuple(b for _a, b in alts), unit.correction,
                        tuple(weak.get(i, ()))))
    return out, expansions


def _assemble(units: list[Unit], expansions) -> ParsedQuery:
    clauses, boosts, terms, prefixes = [], [], set(), set()
    last_word = max((i for i, u in enumerate(units) if not u.phrase), default=None)
    for i, unit in enumerate(units):
        options: list = []
        if unit.phrase:
            options.append(Phrase(unit.terms))
        else:
            options += [Term(t) for t in unit.terms]
            if unit.correction:
                options += [Term(t, boost=CORRECTION_BOOST) for t in analysis.terms(unit.correction)]
            if i == last_word and len(unit.text) >= MIN_PREFIX and unit.text.isalpha():
                prefixes.add(unit.text)
                options.append(Prefix(unit.text, boost=PREFIX_BOOST))
        for alternative, boost in zip(unit.alternatives, unit.boosts):
            options.append(Term(alternative[0], boost=boost) if len(alternative) == 1
                           else Phrase(alternative, slop=2, boost=boost))
            terms.update(alternative)
        terms.update(unit.terms)
        if unit.correction:
            terms.update(analysis.terms(unit.correction))
        clause = Clause(tuple(dict.fromkeys(options)), required=False)
        (boosts if unit.filler else clauses).append(clause)
        if unit.hints:      # a dictionary's guess: it raises what matches, never selects
            boosts.append(Clause(tuple(Term(h[0], boost=HINT_BOOST) if len(h) == 1 else Phrase(h, slop=2, boost=HINT_BOOST)
                                       for h in unit.hints), required=False))
            terms.update(t for h in unit.hints for t in h)
    words = [u for u in units if not u.phrase and not u.filler]
    if len(words) <= MAX_PROXIMITY:            # words near each other, in either field
        for a, b in zip(words, words[1:]):
            boosts.append(Clause((Phrase((a.terms[0], b.terms[0]), slop=3, boost=0.5),), required=False))
    all_terms = tuple(t for u in units if not u.filler for t in u.terms[:1])
    if 2 <= len(all_terms) <= MAX_PROXIMITY:   # the whole query as the title
        boosts.append(Clause((Phrase(all_terms, fields=("title",), slop=1, boost=3.0),), required=False))
    return ParsedQuery(tuple(units), expansions, frozenset(terms), frozenset(prefixes),
                       tuple(clauses), tuple(boosts))
