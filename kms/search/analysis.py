"""Indonesian text analysis, once for everything that compares words: the search index, the
query, highlighting, spelling corrections, similar items, suggestions and dedupe.

A token is a run of word characters, with inner hyphens and dots kept (`e-budgeting`,
`go.id` stay whole). Its term is the folded form (lower case, accents removed), put in its
standard spelling (data/search/variants.csv: praktek -> praktik, resiko -> risiko, old
spellings), stemmed with Sastrawi when it is a plain word of more than three letters.
A reduplication is its root (`anak-anak`, `anak2` -> anak); another hyphenated word is its
joined form plus each part of three letters or more (`e-budgeting` -> ebudgeting, budgeting),
so it matches all three spellings. Function words are stop words.
Engines receive terms already analyzed, so nothing of this module is stored inside an index:
`VERSION` is stored beside it instead, and an index of another version is rebuilt at start-up.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# Bump when tokens, stop words, stems, variants or normalization change: every index is then
# rebuilt (the variant table is data: editing it is a change of analysis too).
VERSION = "6"        # 6: agency, unit and region names in a field of their own
VARIANTS_FILE = Path(__file__).resolve().parents[2] / "data" / "search" / "variants.csv"

# Loanwords and domain words Sastrawi's dictionary lacks or over-stems.
EXTRA_ROOTS = ("replikasi", "digitalisasi", "inovasi", "aplikasi", "integrasi", "sosialisasi",
               "puskesmas", "posyandu", "stunting", "online", "daring", "website", "budgeting",
               "service", "smart", "perempuan", "kependudukan")
# A short stop list: function words only. Sastrawi's 809 words drop domain words (ibu, kerja, baru).
STOP_WORDS = frozenset("""
yang dan di ke dari untuk dengan pada dalam oleh atau ini itu adalah juga akan sebagai serta
bagi agar para tersebut telah sudah dapat karena maka sehingga kepada terhadap antara secara
yaitu yakni ada tidak belum masih lebih sangat hanya saja setiap sebuah seorang the of and to
in for on a an is are or not
""".split())
TOKEN = re.compile(r"\w+(?:[-.]\w+)*")


class Token(NamedTuple):
    term: str       # what the index holds: folded, standard spelling, stemmed
    word: str       # the folded word as written
    start: int      # character offsets in the analysed text
    end: int
    stop: bool
    part: bool = False      # a part of a hyphenated word, beside the joined token


@lru_cache(maxsize=1)
def variants() -> dict[str, str]:
    """Non-standard and old spellings -> the standard form (data/search/variants.csv)."""
    if not VARIANTS_FILE.exists():
        return {}
    with VARIANTS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["variant"].strip().lower(): row["standard"].strip().lower()
                for row in csv.DictReader(handle)
                if row.get("variant") and row.get("standard") and row["variant"] != row["standard"]}


def standard(word: str) -> str:
    """A folded word in its standard spelling (itself when the table does not know it)."""
    return variants().get(word, word)


def term_of(word: str) -> str:
    """The index term of a folded plain word: standard spelling, stemmed, and the stem in its
    standard spelling too (dipraktekkan -> praktek -> praktik)."""
    return standard(stem(standard(word)))


def fold(word: str) -> str:
    """Lower case without accents ("Café" -> "cafe"); words of other scripts only lower-cased."""
    if word.isascii():
        return word.lower()
    ascii_form = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    return (ascii_form if ascii_form.strip("-.") else word).lower()


@lru_cache(maxsize=1)
def _stemmer():
    words = StemmerFactory().get_words_from_file()
    return Stemmer(ArrayDictionary(list(words) + list(EXTRA_ROOTS)))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The root of a folded Indonesian word ("pelayanan" -> "layan"); a reduplication is its
    root ("berturut-turut" -> "turut", "anak-anak" -> "anak"); other words pass through
    ("e-budgeting", "kupu-kupu", "2021")."""
    if "-" in word and all(part.isalpha() for part in word.split("-")):
        root = _stemmer().stem(word)
        return root if root.isalpha() else word
    if not word.isalpha() or len(word) <= 3:
        return word
    return _stemmer().stem(word) or word


REDUPLICATED_2 = re.compile(r"^([a-z]{2,})2$")      # anak2, buku2: the informal reduplication


def _reduplication(word: str, parts: list[str]) -> bool:
    """anak-anak, berturut-turut, surat-menyurat (Sastrawi finds one root), kupu-kupu."""
    return "-" not in stem(word) or (len(parts) == 2 and parts[0] == parts[1])


def tokens(text: str) -> Iterator[Token]:
    """Every word of `text` with its term and character offsets, stop words included (flagged).
    A hyphenated word that is not a reduplication is followed by its parts (flagged `part`)."""
    for match in TOKEN.finditer(text or ""):
        start, end = match.span()
        for term, word, stop, part in _analysed(match.group()):
            yield Token(term, word, start, end, stop, part)


@lru_cache(maxsize=500_000)
def _analysed(raw: str) -> tuple[tuple[str, str, bool, bool], ...]:
    """(term, word, stop, part) of one word as written: the work `tokens` does per word, done
    once per spelling (texts repeat their words; a rebuild analyses every record)."""
    word = fold(raw)
    if word in STOP_WORDS:
        return ((word, word, True, False),)
    twice = REDUPLICATED_2.match(word)
    if twice:
        return ((term_of(twice.group(1)), word, False, False),)
    parts = word.split("-")
    if len(parts) > 1 and all(part.isalnum() for part in parts) and not _reduplication(word, parts):
        return ((standard("".join(parts)), word, False, False),) + tuple(
            (term_of(part), part, False, True) for part in parts if len(part) >= 3 and part not in STOP_WORDS)
    return ((term_of(word), word, False, False),)


def terms(text: str | list[Token]) -> list[str]:
    """The index terms of a text (or of its tokens), in order: stems of every word that is not
    a stop word."""
    found = tokens(text) if isinstance(text, str) else text
    return [t.term for t in found if not t.stop]


def spelling_words(text: str | list[Token]) -> list[str]:
    """Words as written (folded, not stemmed) of two letters or more: the vocabulary that
    spelling corrections and prefixes are drawn from (of a text, or of its tokens)."""
    found = tokens(text) if isinstance(text, str) else text
    return [t.word for t in found if not t.stop and len(t.word) >= 2]


def content_terms(text: str) -> list[tuple[str, str]]:
    """(term, word) of the words that say what a text is about: no stop words, no numbers,
    nothing shorter than three letters. Similar items, suggestions and dedupe compare these."""
    return [pair for match in TOKEN.finditer(text or "") for pair in _content(match.group())]


@lru_cache(maxsize=500_000)
def _content(raw: str) -> tuple[tuple[str, str], ...]:
    return tuple((term, word) for term, word, stop, part in _analysed(raw)
                 if not stop and not part and len(word) >= 3 and any(c.isalpha() for c in word))
