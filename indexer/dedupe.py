"""Cross-hub duplicate detection: is this incoming record an innovation we already hold?

Pure functions over canonical field dicts. Region and unit act as vetoes (the same
title in two regencies is two innovations; a replication lives in another region);
title similarity, shared acronyms and narrative overlap are the evidence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from indexer.textnorm import fold, words
from kms.search.analysis import content_terms

_NOISE = {"inovasi", "program", "aplikasi", "gerakan", "layanan", "sistem", "the", "dan", "di",
          "ke", "yang", "untuk", "melalui", "dengan", "berbasis", "pada", "kota", "kabupaten"}
THRESHOLD = 0.82
KEY_LENGTH = 4          # title keys: a title word's first and last letters ("antrean" meets "antrian")
SAMPLE_WORDS = 300      # narratives are compared on their first words (a 10 MB field costs no more)
BONUS = 0.1 + 0.05      # the most a similar narrative and the same agency add to a title's score


@dataclass(frozen=True)
class Match:
    record_id: str
    score: float
    reasons: tuple[str, ...]


@lru_cache(maxsize=65536)
def acronyms(title: str) -> frozenset[str]:
    """Upper-case words of three or more letters, and words in parentheses ("SIPADU")."""
    found = {w.lower() for w in re.findall(r"\b[A-Z][A-Z0-9-]{2,}\b", title)}
    found |= {fold(w) for w in re.findall(r"\(([^)]{3,20})\)", title) if " " not in w.strip()}
    letters = [c for c in title if c.isalpha()]
    if letters and all(c.isupper() for c in letters):   # an all-caps title has no acronyms to trust
        found = {fold(w) for w in re.findall(r"\(([^)]{3,20})\)", title)}
    return frozenset(a.replace("-", "") for a in found)


@lru_cache(maxsize=65536)
def title_core(title: str) -> str:
    """A title without subtitle, acronym in parentheses or noise words."""
    main = re.split(r"\s[-:–]\s|:\s", title, maxsplit=1)[0]
    main = re.sub(r"\([^)]*\)", " ", main)
    return " ".join(w for w in _words(main) if w not in _NOISE)


def place_words(record: dict) -> frozenset[str]:
    """Words of the record's region names: they say where, not what, so comparisons skip them."""
    return _place_words(record.get("regency_name") or "", record.get("province_name") or "")


@lru_cache(maxsize=4096)
def _place_words(regency: str, province: str) -> frozenset[str]:
    return frozenset({"kabupaten", "kota", "provinsi", "kab"} | set(_words(regency)) | set(_words(province)))


@lru_cache(maxsize=131072)
def _words(text: str) -> tuple[str, ...]:
    return tuple(words(text))


def _word_keys(word: str) -> set[str]:
    """A word's letters at its start and at its end, each sorted: a typo leaves one of the two
    whole in most words, and a swap of two letters inside one leaves it as it was."""
    return {"".join(sorted(word[:KEY_LENGTH])), "".join(sorted(word[-KEY_LENGTH:]))}


def title_keys(record: dict) -> set[str]:
    """The keys a record's title is found by when a new row looks for its duplicates: the
    start and end letters of each title word that says what (no noise or place words), and of
    each acronym. Titles similar enough to merge share at least one (tests/test_dedupe.py)."""
    title = record.get("title") or ""
    skip = _NOISE | place_words(record)
    found: set[str] = set()
    for word in [w for w in _words(title) if len(w) >= 3 and w not in skip] + sorted(acronyms(title)):
        found |= _word_keys(word)
    return found


def _without(text: str, skip: set[str]) -> str:
    return " ".join(w for w in _words(text) if w not in skip)


def title_similarity(a: str, b: str, skip: set[str] = frozenset()) -> float:
    """0..1: the best of full-title and core-title similarity, place names left out."""
    full = fuzz.token_sort_ratio(_without(a, skip), _without(b, skip))
    core_a, core_b = _without(title_core(a), skip), _without(title_core(b), skip)
    core = fuzz.token_sort_ratio(core_a, core_b) if core_a and core_b else 0
    return max(full, core) / 100


@lru_cache(maxsize=8192)
def _narrative_terms(text: str) -> frozenset[str]:
    return frozenset(term for term, _word in content_terms(" ".join(text.split()[:SAMPLE_WORDS])))


def text_overlap(a: str | None, b: str | None) -> float:
    """Jaccard overlap of the content terms (stems) of two narratives' first SAMPLE_WORDS
    words, 0 when one is missing."""
    if not a or not b:
        return 0.0
    set_a, set_b = _narrative_terms(a[:SAMPLE_WORDS * 40]), _narrative_terms(b[:SAMPLE_WORDS * 40])
    if not set_a or not set_b:
        return 0.0
    return len(set_a & set_b) / len(set_a | set_b)


def regions_compatible(a: dict, b: dict) -> bool:
    """False when both records name different regencies, or different provinces."""
    if a.get("regency_code") and b.get("regency_code"):
        return a["regency_code"] == b["regency_code"]
    if a.get("province_code") and b.get("province_code"):
        return a["province_code"] == b["province_code"]
    return True


def units_compatible(a: dict, b: dict, skip: set[str] = frozenset()) -> bool:
    """False when both records name clearly different units (two schools, two puskesmas)."""
    if a.get("unit") and b.get("unit"):
        unit_a, unit_b = _without(a["unit"], skip), _without(b["unit"], skip)
        return not unit_a or not unit_b or fuzz.token_set_ratio(unit_a, unit_b) >= 70
    return True


def match_score(incoming: dict, existing: dict) -> tuple[float, list[str]]:
    """0..1 likelihood that two records describe the same innovation, with the reasons."""
    score, reasons = _evidence(incoming, existing)
    return min(score, 1.0), reasons


def _evidence(incoming: dict, existing: dict) -> tuple[float, list[str]]:
    """The score before it is capped at 1 (so that of two certain matches the closer wins)."""
    if not regions_compatible(incoming, existing):
        return 0.0, ["wilayah berbeda"]
    skip = place_words(incoming) | place_words(existing)
    if not units_compatible(incoming, existing, skip):
        return 0.0, ["unit berbeda"]
    reasons = []
    score = title_similarity(incoming["title"], existing["title"], skip)
    reasons.append(f"judul mirip {score:.2f}")
    shared = acronyms(incoming["title"]) & acronyms(existing["title"])
    if shared:
        score = max(score, 0.75) + 0.1
        reasons.append("akronim sama: " + ", ".join(sorted(shared)))
    overlap = max(text_overlap(incoming.get("summary"), existing.get("summary")),
                  text_overlap(incoming.get("background"), existing.get("background")))
    if overlap >= 0.5:
        score += 0.1
        reasons.append(f"narasi mirip {overlap:.2f}")
    if incoming.get("agency") and existing.get("agency"):
        if incoming["agency"] == existing["agency"]:
            score += 0.05
            reasons.append("instansi sama")
        else:
            score -= 0.15
            reasons.append("instansi berbeda")
    if incoming.get("year") and existing.get("year") and abs(incoming["year"] - existing["year"]) > 3:
        score -= 0.1
        reasons.append("tahun berjauhan")
    return score, reasons


def could_match(incoming: dict, existing: dict) -> bool:
    """False when the titles alone rule a match out: even a shared acronym, a similar narrative
    and the same agency could not lift them to the threshold (cheap: no narratives read)."""
    if acronyms(incoming["title"]) & acronyms(existing["title"]):
        return True
    skip = place_words(incoming) | place_words(existing)
    return title_similarity(incoming["title"], existing["title"], skip) + BONUS >= THRESHOLD - 1e-9


def find_duplicate(incoming: dict, candidates: list[dict]) -> Match | None:
    """The best candidate above the threshold, or None; of equal scores the smallest id, so
    the answer does not depend on the candidates' order."""
    best, best_score = None, 0.0
    for candidate in candidates:
        if not could_match(incoming, candidate):
            continue
        score, reasons = _evidence(incoming, candidate)
        if score < THRESHOLD:
            continue
        if best is None or score > best_score or (score == best_score and candidate["id"] < best.record_id):
            best, best_score = Match(candidate["id"], min(score, 1.0), tuple(reasons)), score
    return best
