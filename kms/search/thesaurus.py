"""Other ways to say what a query says, as data, applied when a query is read (never stored in
an index, so an edit applies to the next search without a reindex):

- data/search/synonyms.csv: abbreviations and synonyms of the public-service domain, both ways
  (disdukcapil <-> dinas kependudukan dan pencatatan sipil), each with its source;
- data/search/english.csv: English terms and phrases -> Indonesian (birth certificate -> akta
  kelahiran), applied to words that are English rather than Indonesian;
- region short names from the gazetteer (sulsel -> sulawesi selatan), and the ministries'
  short forms the agency normalizer uses (data/vocabularies/ministries.csv: kemendagri <->
  kementerian dalam negeri);
- the FreeDict English-Indonesian dictionary, when the Debian package dict-freedict-eng-ind is
  installed (read where it lies, never copied into the repository), for English words the
  glossary does not have, with a lower weight;
- `synonyms.csv` in KMS_DATA_DIR, if there: the staff's own entries, same columns.

Entries are matched on the query's words (folded, standard spelling, stop words left out),
longest first.
"""
from __future__ import annotations

import csv
import gzip
import threading
from dataclasses import dataclass
from pathlib import Path

from indexer.regions import gazetteer
from kms.config import load_config
from kms.search import analysis, lexicon

DATA = Path(__file__).resolve().parents[2] / "data" / "search"
SYNONYMS_FILE = DATA / "synonyms.csv"
ENGLISH_FILE = DATA / "english.csv"
MINISTRIES_FILE = DATA.parent / "vocabularies" / "ministries.csv"
LOCAL_FILE = "synonyms.csv"          # in KMS_DATA_DIR
MAX_WORDS = 6
REVERSE_MAX = 3      # English forms added to an Indonesian phrase (for records written in English)
# how much an alternative counts beside the typed word (1.0)
BOOSTS = {"reverse": 0.4, "agency": 0.7, "synonym": 0.6, "english": 0.8, "region": 0.8, "local": 0.7, "freedict": 0.5}
FREEDICT = Path("/usr/share/dictd/freedict-eng-ind")
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


@dataclass(frozen=True)
class Alternative:
    words: tuple[str, ...]      # the alternative, as words
    source: str                 # synonym | english | region | local
    boost: float
    note: str = ""              # where the entry comes from


@dataclass(frozen=True)
class Match:
    start: int                  # the query words [start, end) it replaces
    end: int
    alternatives: tuple[Alternative, ...]


def key(text: str) -> tuple[str, ...]:
    """The words an entry or a query is matched on."""
    return tuple(analysis.standard(t.word) for t in analysis.tokens(text) if not t.stop and not t.part)


def _read(path: Path, left: str, right: str, source: str, both_ways: bool, table: dict) -> int:
    if not path.exists():
        return 0
    count = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            a, b = key(row.get(left) or ""), key(row.get(right) or "")
            if not a or not b or a == b or len(a) > MAX_WORDS:
                continue
            if len(b) == 1 and len((row.get(right) or "").split()) > 1:
                continue    # "dalam jaringan" without its stop word is just "jaringan"
            if source != "english" and len(a) == 1 and (len(a[0]) <= 2 or lexicon.is_english(a[0])):
                continue    # "pp", "se", "man", "big": too easily an ordinary word
            note = (row.get("source") or "").strip()
            table.setdefault(a, {})[b] = Alternative(b, source, BOOSTS[source], note)
            if both_ways and len(b) <= MAX_WORDS:
                table.setdefault(b, {}).setdefault(a, Alternative(a, source, BOOSTS[source], note))
            count += 1
    return count


def _b64(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + _B64.index(char)
    return value


def _read_freedict(base: Path, table: dict) -> int:
    """English headwords -> the Indonesian words on the line after each entry's head, for keys
    the glossary lacks. Answers how many keys were added (0 when the package is absent)."""
    index, data = base.with_suffix(".index"), base.with_suffix(".dict.dz")
    if not index.exists() or not data.exists():
        return 0
    try:
        text = gzip.decompress(data.read_bytes())
    except (OSError, EOFError):
        return 0
    added = 0
    for line in index.read_text(encoding="utf-8", errors="ignore").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00database"):
            continue
        english = key(parts[0])
        if not english or english in table or len(english) > MAX_WORDS:
            continue
        start, length = _b64(parts[1]), _b64(parts[2])
        entry = text[start:start + length].decode("utf-8", errors="ignore").splitlines()
        if len(entry) < 2:
            continue
        for word in entry[1].split(","):
            words = key(word.strip())
            if words and words != english and len(words) <= MAX_WORDS:
                table.setdefault(english, {})[words] = Alternative(words, "freedict", BOOSTS["freedict"],
                                                                   "FreeDict eng-ind (dict-freedict-eng-ind)")
        added += english in table
    return added


class Thesaurus:
    def __init__(self, local_dir: Path | None = None):
        self.entries: dict[tuple[str, ...], dict[tuple[str, ...], Alternative]] = {}
        self.english: dict[tuple[str, ...], dict[tuple[str, ...], Alternative]] = {}
        self.counts = {
            "synonym": _read(SYNONYMS_FILE, "term", "expansion", "synonym", True, self.entries),
            "english": _read(ENGLISH_FILE, "english", "indonesian", "english", False, self.english),
            "local": _read(local_dir / LOCAL_FILE, "term", "expansion", "local", True, self.entries)
            if local_dir else 0}
        self.counts["freedict"] = _read_freedict(FREEDICT, self.english)
        self.counts["agency"] = self._ministries()
        self.reverse: dict[tuple[str, ...], dict[tuple[str, ...], Alternative]] = {}
        for english, alternatives in self.english.items():
            for alternative in alternatives.values():
                if alternative.source == "english":
                    self.reverse.setdefault(alternative.words, {}).setdefault(
                        english, Alternative(english, "reverse", BOOSTS["reverse"], alternative.note))
        for alias, code in gazetteer().aliases.items():
            region = gazetteer().by_code[code]
            name = key(region.bare or region.name)
            if alias.isalpha() and name and (alias,) != name:
                self.entries.setdefault((alias,), {}).setdefault(
                    name, Alternative(name, "region", BOOSTS["region"], f"aliases.csv: {region.name}"))
        self.counts["region"] = sum(1 for alts in self.entries.values() for a in alts.values()
                                    if a.source == "region")

    def _ministries(self) -> int:
        """Ministry short forms both ways, with the other spellings its notes give."""
        if not MINISTRIES_FILE.exists():
            return 0
        count = 0
        with MINISTRIES_FILE.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                name = key(row.get("name") or "")
                shorts = [row.get("abbreviation") or ""]
                note = (row.get("note") or "").strip()
                if note.lower().startswith("also "):
                    shorts += [part.strip() for part in note[5:].split(",")]
                for short in shorts:
                    abbreviation = key(short)
                    if not name or not abbreviation or abbreviation == name:
                        continue
                    alternative = Alternative(name, "agency", BOOSTS["agency"], "ministries.csv")
                    self.entries.setdefault(abbreviation, {}).setdefault(name, alternative)
                    self.entries.setdefault(name, {}).setdefault(
                        abbreviation, Alternative(abbreviation, "agency", BOOSTS["agency"], "ministries.csv"))
                    count += 1
        return count

    def matches(self, words: list[str]) -> list[Match]:
        """Entries found in the query's words, longest first, not overlapping."""
        found: list[Match] = []
        taken: set[int] = set()
        for size in range(min(MAX_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                span = set(range(start, start + size))
                if span & taken:
                    continue
                gram = tuple(words[start:start + size])
                alternatives = list(self.entries.get(gram, {}).values())
                if gram in self.english and all(lexicon.is_english(w) for w in gram):
                    alternatives += list(self.english[gram].values())
                elif gram in self.reverse:     # records written in English
                    alternatives += sorted(self.reverse[gram].values(), key=lambda a: (-len(a.words), a.words))[:REVERSE_MAX]
                if alternatives:
                    found.append(Match(start, start + size, tuple(alternatives)))
                    taken |= span
        return sorted(found, key=lambda m: m.start)


_CACHE: dict[str, tuple[tuple, Thesaurus]] = {}
_LOCK = threading.Lock()


def _stamp(paths) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns if p.exists() else 0) for p in paths)


def current(local_dir: str | Path | None = None) -> Thesaurus:
    """The thesaurus as the files are now (re-read when one of them changes), with the staff's
    synonyms.csv of `local_dir` (default: the DATA_DIR setting)."""
    local = Path(local_dir or load_config()["DATA_DIR"])
    stamp = _stamp([SYNONYMS_FILE, ENGLISH_FILE, local / LOCAL_FILE])
    name = str(local)
    with _LOCK:
        cached = _CACHE.get(name)
        if cached and cached[0] == stamp:
            return cached[1]
        thesaurus = Thesaurus(local)
        _CACHE[name] = (stamp, thesaurus)
        return thesaurus
