"""Spelling corrections a person would make, from the index's own vocabulary and the same for
every engine.

A word is corrected when the index does not know it, or knows it from a record or two while a
far more frequent word is one slip away; never when it is a real Indonesian word (it is then
honestly absent, not misspelt), and never when it is English with a translation. Candidates
come within two edits; they rank by a weighted Damerau distance (a doubled or dropped double
letter, a slip to a neighbouring key or a common Indonesian confusion such as f/p/v, c/k,
e/i or u/o costs less than another letter), then by how many records use them.
"""
from __future__ import annotations

import time
from functools import lru_cache

from kms.search import analysis, lexicon
from kms.search.engine import SPELL_FIELD

BUDGET_SECONDS = 0.5    # corrections one query may spend; words past it are kept as typed
MIN_LENGTH = 4
MAX_DISTANCE = 2
RARE = 2                # a word in at most this many records may be a misspelling
RARE_RATIO = 20         # ...when a word one slip away is in this many times as many records
ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
CONFUSED = {frozenset(pair) for pair in ("fp", "fv", "pv", "ck", "kq", "sz", "ie", "uo", "yi", "jz",
                                         "dt", "bp", "mn", "gk", "xs", "ks")}


@lru_cache(maxsize=1)
def _neighbours() -> set[frozenset]:
    near = set()
    for r, row in enumerate(ROWS):
        for c, ch in enumerate(row):
            for dr, dc in ((0, 1), (1, 0), (1, -1)):
                rr, cc = r + dr, c + dc
                if rr < len(ROWS) and 0 <= cc < len(ROWS[rr]):
                    near.add(frozenset((ch, ROWS[rr][cc])))
    return near


def _substitution(a: str, b: str) -> float:
    pair = frozenset((a, b))
    if pair in CONFUSED:
        return 0.5
    return 0.7 if pair in _neighbours() else 1.0


def distance(a: str, b: str) -> float:
    """Weighted optimal-string-alignment distance between two folded words."""
    n, m = len(a), len(b)
    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = float(i)
    for j in range(m + 1):
        d[0][j] = float(j)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if a[i - 1] == b[j - 1]:
                d[i][j] = d[i - 1][j - 1]
                continue
            # a letter typed twice, or a double letter typed once, is a small slip
            drop = 0.4 if i >= 2 and a[i - 1] == a[i - 2] else 1.0
            add = 0.4 if j >= 2 and b[j - 1] == b[j - 2] else 1.0
            d[i][j] = min(d[i - 1][j] + drop, d[i][j - 1] + add,
                          d[i - 1][j - 1] + _substitution(a[i - 1], b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 0.6)
    return d[n][m]


def _limit(word: str) -> float:
    return 1.0 if len(word) <= 5 else 2.0


def correct_word(engine, word: str, translated: bool = False) -> str | None:
    """The word a person meant by `word` (folded), or None to keep it. A hyphenated word is
    corrected part by part (e-budgetting -> e-budgeting)."""
    if "-" in word and not translated:
        parts = word.split("-")
        fixed = [correct_word(engine, part) or part for part in parts]
        return "-".join(fixed) if fixed != parts else None
    if len(word) < MIN_LENGTH or not word.isalpha() or word in analysis.STOP_WORDS or translated:
        return None
    known = engine.document_frequency(SPELL_FIELD, word)
    if known > RARE:
        return None
    if lexicon.is_indonesian_word(word) and (known or not _close_slip(engine, word)):
        return None
    candidates = [(distance(word, term), -docs, term, docs)
                  for term, docs, _occurrences in engine.fuzzy_terms(SPELL_FIELD, word, MAX_DISTANCE)
                  if term.isalpha()]
    candidates = [c for c in candidates if c[0] <= _limit(word)]
    if not candidates:
        return None
    cost, _neg, best, docs = min(candidates)
    if known and (cost > 1.0 or docs < RARE_RATIO * known):
        return None
    return best


def _close_slip(engine, word: str) -> bool:
    """A dictionary word the index lacks is still a slip when a word differing only by a
    doubled letter or one swap is in the index (kelilling -> keliling)."""
    return any(distance(word, term) <= 0.6 for term, _d, _o in engine.fuzzy_terms(SPELL_FIELD, word, 1))


def corrections(engine, words: list[str], translated: set[str] = frozenset(),
                budget: float = BUDGET_SECONDS, clock=time.monotonic) -> dict[str, str]:
    """word -> correction for the words of a query that need one, within a time budget: a long
    query of unknown words stops looking once `budget` seconds are spent (the words already
    corrected stay corrected; the rest are searched as typed)."""
    out = {}
    deadline = clock() + budget
    for word in dict.fromkeys(words):
        if clock() > deadline:
            break
        fixed = correct_word(engine, word, word in translated)
        if fixed and fixed != word:
            out[word] = fixed
    return out


def corrected_text(text: str, fixes: dict[str, str]) -> str:
    """The query as the user would have typed it with the corrections."""
    out = []
    for raw in text.split():
        word = analysis.fold(raw.strip('"'))
        out.append(raw.replace(raw.strip('"'), fixes[word]) if word in fixes else raw)
    return " ".join(out)
