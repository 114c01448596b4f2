"""What a word is, by general word lists rather than by our index: an Indonesian word (so it is
never "corrected" into another word), an English word (so it gets Indonesian translations).

Frequencies come from `wordfreq` (Zipf scale: 3 is a word used about once per million words).
When the Debian package hunspell-id is installed, its word list also counts as Indonesian.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from wordfreq import zipf_frequency

HUNSPELL_ID = (Path("/usr/share/hunspell/id_ID.dic"), Path("/usr/share/hunspell/id.dic"))
KNOWN_ID = 2.5          # an Indonesian word at least this common is a real word
ENGLISH = 3.0


@lru_cache(maxsize=1)
def hunspell_words() -> frozenset[str]:
    """The hunspell-id stems (without affix flags), or nothing when it is not installed."""
    for path in HUNSPELL_ID:
        if path.exists():
            lines = path.read_text(encoding="utf-8", errors="ignore").splitlines()[1:]
            return frozenset(line.split("/")[0].strip().lower() for line in lines if line.strip())
    return frozenset()


@lru_cache(maxsize=50_000)
def indonesian(word: str) -> float:
    return zipf_frequency(word, "id")


@lru_cache(maxsize=50_000)
def english(word: str) -> float:
    return zipf_frequency(word, "en")


@lru_cache(maxsize=50_000)
def is_indonesian_word(word: str) -> bool:
    """A word an Indonesian dictionary knows: frequent in Indonesian text, or in hunspell-id."""
    return indonesian(word) >= KNOWN_ID or word in hunspell_words()


@lru_cache(maxsize=50_000)
def is_english(word: str) -> bool:
    """A word more at home in English than in Indonesian ("birth", "waste"; not "sampah",
    and not the loanwords Indonesian uses as much, like "online")."""
    return english(word) >= ENGLISH and english(word) > indonesian(word) - 0.5
