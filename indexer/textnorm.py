"""Small text helpers shared by the normalizers: spacing, keys, case."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def clean_spaces(value: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) and trim."""
    return _SPACES.sub(" ", value.replace("\u00a0", " ")).strip()


def fold(value: str) -> str:
    """Lower-case ASCII form of a text: accents removed, spacing collapsed."""
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return clean_spaces(ascii_text).lower()


def key(value: str) -> str:
    """A comparison key: folded, every non-alphanumeric removed ("Bau-Bau" -> "baubau")."""
    return _NON_ALNUM.sub("", fold(value))


def words(value: str) -> list[str]:
    """Folded words of a text, punctuation treated as separators."""
    return [w for w in _NON_ALNUM.split(fold(value)) if w]


def join_spaced_letters(value: str) -> str:
    """Join text written letter by letter ("P A P U A" -> "PAPUA")."""
    tokens = value.split()
    if len(tokens) >= 3 and all(len(t) == 1 for t in tokens):
        return "".join(tokens)
    return value


def printable(text: str) -> str:
    """Text that can be stored and printed: a file name's undecodable bytes (kept by Python as
    lone surrogates) become U+FFFD."""
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
