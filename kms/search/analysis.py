"""Indonesian text analysis, once for everything that compares words: the search index, the
query, highlighting, spelling corrections, similar items, suggestions and dedupe.

A token is a run of word characters, with inner hyphens and dots kept (`e-budgeting`,
`go.id` stay whole). Its term is the folded form (lower case, accents removed) stemmed with
Sastrawi when it is a plain word of more than three letters. Function words are stop words.
Engines receive terms already analyzed, so nothing of this module is stored inside an index:
`VERSION` is stored beside it instead, and an index of another version is rebuilt at start-up.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

# Bump when tokens, stop words, stems or normalization change: every index is then rebuilt.
VERSION = "2"

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


@dataclass(frozen=True, slots=True)
class Token:
    term: str       # what the index holds: folded, stemmed
    word: str       # the folded word as written
    start: int      # character offsets in the analysed text
    end: int
    stop: bool


def fold(word: str) -> str:
    """Lower case without accents ("Café" -> "cafe"); words of other scripts only lower-cased."""
    if word.isascii():
        return word.lower()
    ascii_form = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    return (ascii_form if ascii_form.strip("-.") else word).lower()


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

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


def tokens(text: str) -> Iterator[Token]:
    """Every word of `text` with its term and character offsets, stop words included (flagged)."""
    for match in TOKEN.finditer(text or ""):
        word = fold(match.group())
        stop = word in STOP_WORDS
        yield Token(word if stop else stem(word), word, match.start(), match.end(), stop)


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
    return [(t.term, t.word) for t in tokens(text)
            if not t.stop and len(t.word) >= 3 and any(c.isalpha() for c in t.word)]
