"""Spelling corrections from the index's own vocabulary, the same for every engine."""
from __future__ import annotations

import re

from kms.search import analysis
from kms.search.engine import SPELL_FIELD

MIN_LENGTH = 4
MAX_DISTANCE = 2


def correction(engine, text: str) -> str | None:
    """The query with each word the index does not know replaced by the most used known word
    within two edits (occurrences, then alphabetical); None when nothing changed."""
    changed = False
    out = []
    for token in re.findall(r'"|[^\s"]+', text):
        word = analysis.fold(token)
        if token == '"' or word in analysis.STOP_WORDS or not word.isalpha() or len(word) < MIN_LENGTH \
                or engine.document_frequency(SPELL_FIELD, word) > 0:
            out.append(token)
            continue
        candidates = engine.fuzzy_terms(SPELL_FIELD, word, MAX_DISTANCE)
        if candidates:
            best = min(candidates, key=lambda item: (-item[2], item[0]))[0]
            out.append(best)
            changed = True
        else:
            out.append(token)
    if not changed:
        return None
    return re.sub(r'\s*"\s*', '"', " ".join(out)) if '"' in text else " ".join(out)
