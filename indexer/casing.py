"""Titles and names re-cased only when a hub sent them in one case (all upper or all lower):
mixed-case text is kept exactly as written.

Re-casing capitalises each run of letters (so after a bracket, a quote, a slash or a hyphen
too: "Kelurahan/Desa", "“Sipandu”"), writes small function words in lower case, and keeps
acronyms in capitals: those of the registries (the synonym list's abbreviations, read letter
by letter when they have at most one vowel: NIK, KK, BPBD, but Dinkes, Bapenda), a run without
vowels (KTP, SDM), and a short run with one vowel that is no Indonesian or English word (SIPP;
not Bank or Bus). "e-" before a hyphen stays lower case (e-KTP).
"""
from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

from indexer.reference import DATA_DIR, read_csv, vocabulary
from indexer.textnorm import clean_spaces

SMALL_WORDS = {"dan", "di", "ke", "dari", "untuk", "yang", "atau", "pada", "dengan", "bagi", "oleh",
               "dalam", "serta", "melalui", "tentang", "of", "and", "the", "for", "in"}
ALWAYS_UPPER = {"ri", "rsud", "upt", "uptd", "pt", "pdam", "bumn", "bumd", "dprd", "ntb", "ntt",
                "diy", "dki", "kb", "pp", "bpbd", "bpjs", "nik", "kk", "ktp", "umkm", "asn",
                "rt", "rw", "sd", "smp", "sma", "smk", "paud", "tk", "pkk", "kua", "ppkm", "ii",
                "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii", "cv", "ud", "tni", "polri"}
ALWAYS_CAPITALISED = {"puskesmas", "posyandu", "pustu", "polindes", "poskesdes", "pemda", "pemkab",
                      "pemkot", "pemprov", "perumda", "persero", "perum", "tbk"}
SPECIAL = {"iot": "IoT"}
WORD_ZIPF = 2.5           # a run at least this frequent in Indonesian or English is a word
_RUN = re.compile(r"[^\W\d_]+")
_VOWELS = set("aeiou")


def _vowels(word: str) -> int:
    return sum(1 for c in word if c in _VOWELS)


@lru_cache(maxsize=1)
def registry_acronyms() -> frozenset[str]:
    """Abbreviations written in capitals: the synonym list's (read letter by letter: at most one
    vowel) and the ministries' registry short forms of that shape."""
    found = set(ALWAYS_UPPER)
    for row in read_csv(DATA_DIR / "search" / "synonyms.csv"):
        term = row["term"]
        if row.get("kind") == "abbreviation" and term.isalpha() and _vowels(term) <= 1:
            found.add(term)
    for row in vocabulary("ministries"):
        short = row["abbreviation"].lower()
        if short.isalpha() and row["abbreviation"].isupper():
            found.add(short)
    return frozenset(found - ALWAYS_CAPITALISED)


@lru_cache(maxsize=20_000)
def is_word(run: str) -> bool:
    """An Indonesian or English word in everyday use (wordfreq)."""
    return max(zipf_frequency(run, "id"), zipf_frequency(run, "en")) >= WORD_ZIPF


def acronym(run: str) -> bool:
    """Whether a run of letters (lower case) is written in capitals."""
    if run in ALWAYS_CAPITALISED:
        return False
    if run in registry_acronyms():
        return True
    if len(run) >= 2 and not _vowels(run) and run != "yg":
        return True
    return 2 <= len(run) <= 5 and _vowels(run) <= 1 and not is_word(run)


def one_case(value: str) -> bool:
    letters = [c for c in value if c.isalpha()]
    return bool(letters) and (all(c.isupper() for c in letters) or all(c.islower() for c in letters))


def smart_title(value: str) -> str:
    """Title-case text that arrives all upper or all lower case; leave mixed case alone."""
    value = clean_spaces(value)
    if not one_case(value):
        return value
    words = value.split(" ")
    return " ".join(_recase_word(word, first=i == 0) for i, word in enumerate(words))


def _recase_word(word: str, first: bool) -> str:
    out, last = [], 0
    runs = list(_RUN.finditer(word))
    for n, match in enumerate(runs):
        run = match.group().lower()
        out.append(word[last:match.start()])
        after = word[match.end():match.end() + 1]
        before = word[match.start() - 1:match.start()]
        if run == "e" and after == "-":
            out.append("e")                                    # e-KTP, e-Budgeting
        elif run == "el" and before == "-":
            out.append("el")                                   # KTP-el
        elif run in SPECIAL:
            out.append(SPECIAL[run])
        elif acronym(run) or re.search(r"\d", word):
            out.append(run.upper())                            # and letters among digits: UP3, KM5
        elif run in SMALL_WORDS and not first and n == 0 and len(runs) == 1:
            out.append(run)
        else:
            out.append(run[:1].upper() + run[1:])
        last = match.end()
    out.append(word[last:])
    return "".join(out)
