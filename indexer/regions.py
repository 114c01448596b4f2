"""Region names and codes -> Kemendagri 2025 codes.

Order of evidence: a code (Kemendagri or BPS), an alias, an exact name (with its type
when given), a type keyword followed by a name inside a longer text (an agency name),
a unique bare name inside the text, and fuzzy matching on the name part last. Each
answer carries a confidence; below ACCEPT nothing is returned, below REVIEW the caller
flags the value for a person.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from indexer.casing import is_word
from indexer.reference import REGIONS_DIR, read_csv
from indexer.textnorm import clean_spaces, fold, join_spaced_letters, key

ACCEPT = 0.8
REVIEW = 0.9

KIND_LABEL = {"provinsi": "Provinsi", "kabupaten": "Kabupaten", "kota": "Kota"}

# Type words, longest first; the value names the kind ("" = a region government of unknown kind).
_TYPE_PREFIXES = [
    ("pemerintah daerah provinsi", "provinsi"), ("pemerintah provinsi", "provinsi"),
    ("pemda provinsi", "provinsi"), ("pemprov", "provinsi"), ("propinsi", "provinsi"),
    ("provinsi", "provinsi"), ("prov", "provinsi"),
    ("pemerintah daerah kabupaten", "kabupaten"), ("pemerintah kabupaten", "kabupaten"),
    ("pemda kabupaten", "kabupaten"), ("pemkab", "kabupaten"), ("kabupaten", "kabupaten"),
    ("kab", "kabupaten"),
    ("pemerintah daerah kota", "kota"), ("pemerintah kota", "kota"), ("pemda kota", "kota"),
    ("pemkot", "kota"), ("kota administrasi", "kota"), ("kota adm", "kota"),
    ("kotamadya", "kota"), ("kota madya", "kota"), ("kodya", "kota"), ("kota", "kota"),
    ("daerah swatantra tingkat ii", ""), ("daerah tingkat ii", ""), ("dati ii", ""),
    ("pemerintah daerah", ""), ("pemda", ""),
]
# Written after a type word, before the name: "Kabupaten Administrasi", "Kotamadya Daerah
# Tingkat II", "Kab. Dati II", "Provinsi Daerah Tingkat I".
_AFTER_TYPE = re.compile(r"^(?:(?:administrasi|adm\.?)|(?:daerah\s+)?(?:tingkat|tk\.?)\s+i{1,2}|dati\s+i{1,2}|dt\.?\s+i{1,2})"
                         r"(?:\s+|$)")
_TAIL_WORDS = {"tahun", "kelas", "dan", "di", "indonesia", "ri", "provinsi", "prov", "i", "ii", "ia", "ib",
               "1a", "1b", "-", "&"}
_ENGLISH_OFFICES = [("regional military command", "kodam"), ("military area command", "kodam"),
                    ("regional police", "polda"), ("police", "polres"), ("high court", "pengadilan tinggi"),
                    ("district court", "pengadilan negeri"), ("religious court", "pengadilan agama"),
                    ("district attorney", "kejari"), ("high prosecutor", "kejati")]
_TYPE_WORDS = {"kabupaten", "kab", "kota", "provinsi", "prov", "propinsi", "pemkab", "pemkot", "pemprov"}
_KIND_WORDS = {"kota": "kota", "kabupaten": "kabupaten", "kab": "kabupaten"}
_DIRECTIONS = {"utara", "selatan", "timur", "barat", "tengah", "tenggara", "laut", "daya", "raya"}
_GENERIC = {"daerah", "istimewa", "khusus", "ibukota", "ibu", "kota", "provinsi", "kabupaten",
            "administrasi", "tingkat", "i", "ii", "dan", "pemerintah", "raya"}
_TYPE_SUFFIXES = [("regency government", "kabupaten"), ("city government", "kota"),
                  ("provincial government", "provinsi"), ("regency", "kabupaten"), ("city", "kota"),
                  ("province", "provinsi")]
_ENGLISH = {"west": "barat", "east": "timur", "north": "utara", "south": "selatan",
            "central": "tengah", "southeast": "tenggara", "southwest": "barat daya",
            "northwest": "barat laut", "highland": "pegunungan", "highlands": "pegunungan"}
_ENGLISH_NAMES = {"java": "jawa", "sumatra": "sumatera", "moluccas": "maluku", "molucca": "maluku",
                  "borneo": "kalimantan", "celebes": "sulawesi", "bangka belitung islands": "kepulauan bangka belitung"}
# A kind written after the name: "Bandung, Kota", "BANDUNG (KOTA)", "Aceh Provinsi" (BPS tables,
# spreadsheets sorted by name)
_KIND_AFTER = re.compile(r"^(.*?[a-z].*?)[\s,]*\(?\s*(kota|kabupaten|kab\.?|provinsi|propinsi|prov\.?)\s*\)?$")
_CODE = re.compile(r"^(\d{2})(?:[.\s]?(\d{1,2}))?$")
_TYPE_IN_TEXT = re.compile(r"\b(provinsi|propinsi|prov\.?|kabupaten|kab\.?|kota(?:\s+adm(?:inistrasi|\.)?)?)\s+",
                           re.IGNORECASE)


_TYPE_SPELLINGS = ("kabupaten", "provinsi", "kotamadya")
_COMMAND_WORDS = {"kodam", "pangdam", "komando daerah militer", "kasdam"}


def _misspelt_type(folded: str) -> str | None:
    """The value with a misspelt first type word written right ("kabupten x" -> "kabupaten x",
    "profinsi x" -> "provinsi x"): two edits at most in a word of 7 letters or more."""
    first, _, rest = folded.partition(" ")
    if len(first) < 7 or not rest or first in _TYPE_SPELLINGS or first == "propinsi":
        return None
    near = [w for w in _TYPE_SPELLINGS if DamerauLevenshtein.distance(first, w) <= 2]
    return f"{near[0]} {rest}" if len(near) == 1 else None


def _word_set(name: str) -> str:
    """A name's words, each keyed, sorted: the same for "Kepulauan Riau" and "Riau Kepulauan"."""
    return " ".join(sorted(filter(None, (key(w) for w in re.split(r"[\s-]+", name)))))


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str          # "province" | "regency"
    kind: str           # "provinsi" | "kabupaten" | "kota"
    province_code: str
    bare: str           # the name without its type word


@dataclass(frozen=True)
class Resolution:
    input: str
    code: str | None
    name: str | None
    level: str | None
    confidence: float
    reason: str = ""

    @property
    def province_code(self) -> str | None:
        return self.code.split(".")[0] if self.code else None

    @property
    def needs_review(self) -> bool:
        return self.code is None or self.confidence < REVIEW

    def as_json(self) -> dict:
        return {"input": self.input, "code": self.code, "name": self.name,
                "level": self.level, "confidence": round(self.confidence, 2)}


def split_type(text: str) -> tuple[str | None, str]:
    """("kota", "Makassar") from "Pemerintah Kota Makassar"; (None, text) when no type word.
    "Kab. Adm. Kep. Seribu" is ("kabupaten", "kepulauan seribu")."""
    folded = fold(text).replace(".", ". ").replace("  ", " ").strip()
    folded = re.sub(r"^the\s+", "", folded)           # "The Bandung City Government"
    for prefix, kind in _TYPE_PREFIXES:
        if folded == prefix:
            return kind or None, ""
        if folded.startswith(prefix + " ") or folded.startswith(prefix + "."):
            rest = folded[len(prefix):].lstrip(". ").strip()
            inner_kind, rest = _after_type(rest, kind or None)
            return (kind or inner_kind or None), rest
    for suffix, kind in _TYPE_SUFFIXES:
        if folded.endswith(" " + suffix):
            return kind, bare_name(folded[: -len(suffix)].strip())
    return None, bare_name(folded)


def _after_type(rest: str, known: str | None = None) -> tuple[str | None, str]:
    """What follows a type word: "Administrasi", "Daerah Tingkat II" dropped; a second type word
    read when the first gave no kind ("Daerah Tingkat II Kabupaten X"), never after a kind
    ("Kabupaten Kota Baru" is Kotabaru)."""
    while True:
        dropped = _AFTER_TYPE.sub("", rest, count=1).strip()
        if dropped == rest:
            break
        rest = dropped
    kind = None
    for prefix, named in ([] if known else _TYPE_PREFIXES):
        if named and (rest.startswith(prefix + " ") or rest.startswith(prefix + ".")):
            kind, rest = named, rest[len(prefix):].lstrip(". ").strip()
            break
    return kind, bare_name(rest)


def bare_name(name: str) -> str:
    """A region's name as compared: "kep." is "kepulauan" ("Kep. Seribu", "Kep. Meranti")."""
    return re.sub(r"^kep\.?\s+", "kepulauan ", name)


def english_to_indonesian(name: str) -> str:
    """"south sulawesi" -> "sulawesi selatan"; "riau islands" -> "kepulauan riau"."""
    name = re.sub(r"\b(south|north) (east|west)\b", r"\1\2", name)
    tokens = [_ENGLISH_NAMES.get(t, t) for t in name.split()]
    if tokens[:3] == ["special", "region", "of"]:
        tokens = ["daerah", "istimewa"] + tokens[3:]
    elif len(tokens) > 2 and tokens[-2:] == ["special", "region"]:      # "Yogyakarta Special Region"
        tokens = ["daerah", "istimewa"] + tokens[:-2]
    direction = []
    while tokens and tokens[0] in _ENGLISH:
        direction.append(_ENGLISH[tokens.pop(0)])
    if tokens and tokens[-1] == "islands":
        tokens = ["kepulauan"] + tokens[:-1]
    return " ".join(tokens + direction)


class Gazetteer:
    """The 2025 regions with every spelling we know for them."""

    def __init__(self) -> None:
        self.by_code: dict[str, Region] = {}
        self.by_kind_name: dict[tuple[str, str], set[str]] = {}
        self.by_name: dict[str, set[str]] = {}
        self.by_word_set: dict[str, set[str]] = {}      # a name's words sorted -> codes
        self.aliases: dict[str, str] = {}
        self.acronyms: set[str] = set()         # alias keys matched only whole or after a type word
        self.letter_acronyms: set[str] = set()  # alias keys given as acronyms (NTT, DIY, TTS)
        self.refused_aliases: list[tuple[str, str, str]] = []    # (alias, code, why)
        self.command_areas: dict[tuple[str, str], str] = {}      # (institution, area key) -> code
        self.moved_codes: dict[str, str] = {}
        self.bps_regency: dict[str, str] = {}
        self.bps_province: dict[str, str] = {}
        self._load()

    # -- loading -------------------------------------------------------------------------
    def _load(self) -> None:
        for row in read_csv(REGIONS_DIR / "wilayah_prov_kabkota_2025.csv"):
            region = self._make_region(row["kode"], row["nama"])
            self.by_code[region.code] = region
            self._add_name(region.kind, region.bare, region.code)
        for row in read_csv(REGIONS_DIR / "kode_nama_changes_2016_2025.csv"):
            kind, bare = split_type(row["old_nama"])
            self._add_name(kind or self.by_code[row["kode_2025"]].kind, bare, row["kode_2025"])
            if row["old_kode"] != row["kode_2025"]:
                self.moved_codes[row["old_kode"]] = row["kode_2025"]
        for edition in ("2016", "2018", "2020", "2022", "2023"):
            for row in read_csv(REGIONS_DIR / f"wilayah_prov_kabkota_{edition}.csv"):
                self._add_old_spelling(row["kode"], row["nama"])
        for name in ("aliases.csv", "alias_sources.csv"):
            path = REGIONS_DIR / name
            for row in (read_csv(path) if path.exists() else []):
                self._add_alias(row["alias"], row["code"], row.get("kind") or "")
        for region in list(self.by_code.values()):     # "Meranti", "Morotai": the islands' own name
            island = re.match(r"^(kepulauan|pulau) (.{4,})$", region.bare)
            if island:
                rest = island.group(2)
                self._add_alias(rest, region.code, "word" if is_word(rest) else "abbreviation", derived=True)
        for row in read_csv(REGIONS_DIR / "command_areas.csv"):
            self.command_areas[(row["institution"], key(row["name"]))] = row["code"]
        for row in read_csv(REGIONS_DIR / "bps2018_crosswalk.csv"):
            code = row["kemendagri_kode_2018"]
            self.bps_regency[row["bps_code"]] = self.moved_codes.get(code, code)
        for row in read_csv(REGIONS_DIR / "bps2018_provinces.csv", fieldnames=["code", "name"]):
            found = self.resolve(row["name"])
            if found.code:
                self.bps_province[row["code"]] = found.code

    def _add_alias(self, alias: str, code: str, kind: str, derived: bool = False) -> None:
        """An alias, refused when it names another region already: an alias never outvotes a
        name (another region's official name, or an alias given before to another code)."""
        alias_key = key(alias)
        if not alias_key or code not in self.by_code:
            self.refused_aliases.append((alias, code, "kode tidak dikenal"))
            return
        kind_of, bare = split_type(alias)
        names = self.by_name.get(key(bare), set()) if kind_of is None else \
            self.by_kind_name.get((kind_of, key(bare)), set())
        # An alias may choose among the regions its name has, or shorten its region's own name
        # ("Yogyakarta" for Daerah Istimewa Yogyakarta, though a Kota Yogyakarta exists).
        others = names - {code}
        shortening = not derived and key(bare) in key(self.by_code[code].bare) and "." not in code \
            and all(other.split(".")[0] == code and "." in other for other in others)   # a province's own city
        if (names and code not in names and not shortening) or self.aliases.get(alias_key, code) != code:
            if derived:
                return          # a derived short name gives way silently (Kepulauan Riau: not "Riau")
            taken = ", ".join(sorted(others | {self.aliases.get(alias_key, code)} - {code}))
            self.refused_aliases.append((alias, code, f"bertabrakan dengan {taken}"))
            return
        self.aliases[alias_key] = code
        if kind == "acronym":
            self.letter_acronyms.add(alias_key)
        if kind in ("acronym", "word") or (alias.isupper() and alias.isalpha() and len(alias) <= 5):
            self.acronyms.add(alias_key)       # "word": an everyday word too (Mitra, Balut, Tala)

    def _make_region(self, code: str, name: str) -> Region:
        name = clean_spaces(name)
        if "." not in code:
            return Region(code, name, "province", "provinsi", code, fold(name))
        kind, bare = split_type(name)
        return Region(code, name, "regency", kind or "kabupaten", code.split(".")[0], bare)

    def _add_name(self, kind: str, bare: str, code: str) -> None:
        name_key = key(bare)
        if not name_key or set(bare.split()) <= _GENERIC:     # "Daerah Istimewa" names no region
            return
        self.by_kind_name.setdefault((kind, name_key), set()).add(code)
        self.by_name.setdefault(name_key, set()).add(code)
        words = _word_set(bare)
        if " " in words:
            self.by_word_set.setdefault(words, set()).add(code)

    def _add_old_spelling(self, code: str, name: str) -> None:
        code = self.moved_codes.get(code, code)
        region = self.by_code.get(code)
        if region is None:
            return
        kind, bare = split_type(name)
        # A code may have been given to another region since: keep only close spellings.
        if region.level == "province" or fuzz.ratio(key(bare), key(region.bare)) >= 75:
            self._add_name(kind or region.kind, bare, code)

    # -- resolving -----------------------------------------------------------------------
    def resolve(self, text: str, codes: str = "kemendagri", province: str | None = None) -> Resolution:
        """Resolve one free-text or code value; `province` narrows ambiguous names."""
        raw = text if isinstance(text, str) else str(text)
        value = join_spaced_letters(clean_spaces(raw))
        if not value:
            return Resolution(raw, None, None, None, 0.0, "kosong")
        by_code = self._resolve_code(value, codes)
        if by_code is not None:
            return Resolution(raw, *by_code)
        for attempt in (self._resolve_name, self._resolve_institution, self._resolve_inside, self._resolve_fuzzy):
            found = attempt(value, province)
            if found is not None:
                code, confidence, reason = found
                if code is None:
                    return Resolution(raw, None, None, None, 0.0, reason)
                region = self.by_code[code]
                return Resolution(raw, code, region.name, region.level, confidence, reason)
        return Resolution(raw, None, None, None, 0.0, "tidak dikenal")

    def _answer(self, code: str, confidence: float, reason: str):
        region = self.by_code[code]
        return code, region.name, region.level, confidence, reason

    def _resolve_code(self, value: str, codes: str):
        match = _CODE.match(value.strip())
        if not match:
            return None
        prov, reg = match.groups()
        dotted = "." in value
        if reg is not None and len(reg) == 1:
            reg = reg + "0" if dotted else "0" + reg   # "11.1" float-mangled means 11.10
        if codes == "bps" and not dotted:
            code = self.bps_province.get(prov) if reg is None else self.bps_regency.get(prov + reg)
            if code is None:
                return (None, None, None, 0.0, "kode BPS tidak dikenal")
            return self._answer(code, 1.0, "kode BPS")
        code = prov if reg is None else f"{prov}.{reg}"
        if code in self.by_code:
            return self._answer(code, 1.0, "kode Kemendagri")
        if code in self.moved_codes:
            return self._answer(self.moved_codes[code], 0.9, "kode lama (pemekaran Papua 2022)")
        return (None, None, None, 0.0, "kode tidak dikenal")

    def _pick(self, codes: set[str], province: str | None, kind: str | None):
        """One code from candidates, or None when still ambiguous."""
        if len(codes) > 1 and province:
            narrowed = {c for c in codes if c.split(".")[0] == province}
            codes = narrowed or codes
        if len(codes) > 1 and kind is None:
            provinces = {c for c in codes if "." not in c}
            codes = provinces or codes
        return next(iter(codes)) if len(codes) == 1 else None

    def _lookup(self, kind: str | None, name: str, province: str | None, acronyms: bool = True):
        """(code, confidence) for an exact name, ("", 0) when ambiguous, None when unknown.
        `acronyms`: whether a letter acronym may match (only a whole value, or right after a
        type word: "TTS" or "Kabupaten TTS", never the "tts" inside longer text)."""
        name_key = key(name)
        if not name_key:
            return None
        alias = self.aliases.get(name_key)
        if alias and (acronyms or name_key not in self.acronyms) \
                and (kind is None or self.by_code[alias].kind == kind):
            return alias, 1.0
        typed = self.aliases.get(key(f"{kind} {name}")) if kind else None     # "Kabupaten Pontianak"
        if typed:       # an old name that another region bears today may be a slip for it: flagged
            return typed, 0.85 if self.by_name.get(name_key, set()) - {typed} else 1.0
        codes = self.by_name.get(name_key) if kind is None else self.by_kind_name.get((kind, name_key))
        if not codes:
            return None
        picked = self._pick(set(codes), province, kind)
        if picked is None:
            return "", 0.0
        return picked, 1.0 if kind or "." not in picked else 0.95

    def _resolve_name(self, value: str, province: str | None):
        alias = self.aliases.get(key(value))
        if alias:
            return alias, 1.0, "alias"
        after = _KIND_AFTER.match(fold(value)) if split_type(value)[0] is None else None
        if after:                                   # "Bandung, Kota", "BANDUNG (KAB.)"
            value = f"{after.group(2)} {after.group(1)}"
        if "(" in value:
            bracketed = self._bracketed(value, province)
            if bracketed:
                return bracketed
        glued = re.match(r"^(kota|kabupaten|kab|provinsi)([a-z]{4,})$", fold(value))
        if glued:                                   # "KotaSurakarta"
            value = f"{glued.group(1)} {glued.group(2)}"
        english = re.match(r"^(?:the\s+)?(province|regency|city)\s+of\s+(.+)$", fold(value))
        if english:                                 # "Province of Central Java"
            value = f"{english.group(2)} {english.group(1)}"
        misspelt = _misspelt_type(fold(value))
        if misspelt and not self.by_name.get(key(value.split()[0])):
            found = self._resolve_name(misspelt, province)     # "Kabupten Lampung Tengah"
            return (found[0], min(found[1], 0.9), "nama, jenis wilayah salah eja") if found and found[0] else found
        kind, bare = split_type(value)
        for name in dict.fromkeys([bare, english_to_indonesian(bare)]):
            found = self._lookup(kind, name, province)
            if found == ("", 0.0):
                options = self.by_name.get(key(name), set())
                listed = ", ".join(sorted(self.by_code[c].name for c in options))
                return None, 0.0, f"ambigu: {listed}"
            if found:
                return found[0], found[1], "nama"
            if kind and self.by_name.get(key(name)):     # "Kabupaten Kendari": only a Kota Kendari
                kinds = ", ".join(sorted(self.by_code[c].name for c in self.by_name[key(name)]))
                return None, 0.0, f"jenis tidak cocok: {kinds}"
        return self._reordered(kind, bare, province)

    def _bracketed(self, value: str, province: str | None):
        """A name with a bracketed repeat: "Buton Selatan (Busel)", "Pemerintah Kabupaten
        (Pemkab) Pulau Morotai". Answered as the name outside the brackets when what they hold
        is a type word or names the same region; None otherwise (the other steps read it)."""
        inside = [part.strip() for part in re.findall(r"\(([^)]*)\)", value)]
        outside = clean_spaces(re.sub(r"\([^)]*\)", " ", value))
        if not outside or "(" in outside or ")" in outside:
            return None
        found = self._resolve_name(outside, province)
        if not (found and found[0]):
            return None
        own_kind = self.by_code[found[0]].kind
        for part in inside:
            kind, rest = split_type(part)
            same = self.aliases.get(key(part)) == found[0] or (not rest and kind == own_kind) \
                or (not rest and kind is None and key(part) in ("pemda", "pemerintahdaerah"))
            if part and not same:
                return None
        return found

    def _reordered(self, kind: str | None, bare: str, province: str | None):
        """A region's name with its words in another order ("Riau Kepulauan", "Utara Aceh"):
        the same words, none missing or added, and one region only."""
        words = _word_set(bare)
        if " " not in words:
            return None
        codes = {c for c in self.by_word_set.get(words, set())
                 if kind is None or self.by_code[c].kind == kind}
        picked = self._pick(codes, province, kind) if codes else None
        return (picked, 0.9, "nama, urutan kata lain") if picked else None

    def _name_after(self, words: list[str], kind: str | None, province: str | None, fuzzy: bool = True):
        """The region the words right after a type or institution word name: the longest run
        of them that is a name, alias or acronym (a near spelling of a longer run before an
        exact shorter one: "Padang Sidempuan" is not Kota Padang). None when nothing fits,
        or when the name found is followed by a direction ("Lampung Tenggara" is not Lampung)."""
        for size in range(min(5, len(words)), 0, -1):
            run = " ".join(words[:size])
            following = words[size] if size < len(words) else ""
            found = self._lookup(kind, run, province)
            if not found and kind:
                found = self._lookup(kind, english_to_indonesian(run), province)
            if found and found[0]:
                if following in _DIRECTIONS:
                    return None
                return found[0], size, True
            if fuzzy and len(key(run)) >= 7:
                close = self._close_name(run, kind, province)
                if close:
                    return close, size, False
        return None

    def _close_name(self, run: str, kind: str | None, province: str | None) -> str | None:
        """One region whose name is a near spelling of `run` (>= 90%, clear of the next)."""
        codes = [code for code, score in self._near_codes(key(run), kind, province, 3).items() if score >= 90]
        return codes[0] if len(codes) == 1 else None

    def _harmless_tail(self, words: list[str], province: str | None) -> bool:
        """Words after a region's name that do not make it another region: a province or
        region name ("Kabupaten Gowa Sulawesi Selatan"), a type word, numbers, years."""
        if all(w.isdigit() or w in _TAIL_WORDS for w in words):
            return True
        kind, rest = split_type(" ".join(words))
        return bool(self._name_after(rest.split(), kind, province, fuzzy=False))

    def _resolve_institution(self, value: str, province: str | None):
        """An office named after the area it serves: "Polda Metro Jaya", "Kejati Lampung",
        "Pengadilan Negeri Mataram", "Bupati Bandung". A province-level office (police and
        military area commands, high courts and prosecutors, a ministry's Kanwil, a governor)
        answers the province of the area it names; a military area named after a hero
        resolves only when data/regions/command_areas.csv names its province."""
        folded = re.sub(r"\s*\([^)]*\)", "", fold(value))     # "Kejaksaan Tinggi (Kejati) Maluku Utara"
        for english, office in _ENGLISH_OFFICES:        # "Iskandar Muda Regional Military Command"
            if folded.endswith(" " + english):
                folded = f"{office} {folded[:-len(english)].strip()}"
                break
        for match in self._institution_pattern().finditer(folded):
            word = re.sub(r"\s+", " ", match.group(1))
            level, kind = self._institutions()[word]
            tail = folded[match.end():]
            words = [w for w in re.split(r"[\s.]+", re.split(r"[,;()/]", tail)[0]) if w]
            police = word.startswith(("polda", "kapolda", "wakapolda", "polres", "kapolres", "kepolisian"))
            force = "police" if police else "military"
            # "Kodam XIV/Hasanuddin": a military command written by its number, then its name
            named = re.split(r"[,;()]", tail)[0].partition("/")[2].strip()
            numbered = not police and word in _COMMAND_WORDS and len(words) == 1 \
                and re.fullmatch(r"[ivxl]+", words[0]) and named
            keys = [key(" ".join(words[:2])), key(" ".join(words[:1]))] + ([key(named)] if numbered else [])
            area = next((self.command_areas[(force, k)] for k in keys if (force, k) in self.command_areas), None)
            if area and level == "province":
                return area, 0.95, "wilayah komando"
            if police and words[:1] == ["metro"] and len(words) > 1:
                words = words[1:]          # "Polres Metro Jakarta Selatan": Jakarta's district commands
            trailing = _KIND_WORDS.get(words[-1]) if len(words) > 1 else None
            if trailing:                   # "Polres Kediri Kota": the city's command
                words, kind = words[:-1], trailing
            for skip in range(0, min(3, len(words))):       # "Kanwil Kemenkumham Jawa Tengah"
                kind_here, rest = split_type(" ".join(words[skip:]))
                found = self._name_after(rest.split(), kind_here or kind, province)
                if found:
                    code = found[0]
                    if level == "province":
                        code = code.split(".")[0]
                    elif level == "regency" and "." not in code:
                        break       # a district office named after a province: not one area
                    return code, 0.95 if found[2] else 0.85, "nama instansi" if found[2] else "mirip"
                if level == "regency":
                    break
            if level != "any":       # an office whose area is not known: no town sharing a word
                return None, 0.0, f"wilayah '{word}' tidak dikenal"
        return None

    @lru_cache(maxsize=1)
    def _institutions(self) -> dict[str, tuple[str, str]]:
        return {row["word"]: (row["level"], row["kind"] or None)
                for row in read_csv(REGIONS_DIR / "institutions.csv")}

    @lru_cache(maxsize=1)
    def _institution_pattern(self) -> re.Pattern:
        words = sorted(self._institutions(), key=len, reverse=True)
        return re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
                          + r")(?![a-z0-9])[\s.]+")

    def _resolve_inside(self, value: str, province: str | None):
        """A region named inside a longer text: "Dinas Kesehatan Kota Makassar". A kind written
        in the text rules out a region of another kind ("Kota Jogja" is not the province)."""
        folded = fold(value)
        either = re.search(r"\b(?:kab(?:upaten)?\.?\s*/\s*kota|kota\s*/\s*kab(?:upaten)?)\.?\s+", folded)
        if either:        # "Kab/Kota Serang" names both; "Kabupaten/Kota Metro" the one Metro there is
            found = self._name_after(folded[either.end():].split(), None, province, fuzzy=False)
            if found:
                return found[0], 0.9, "kabupaten/kota"
            return None, 0.0, "kabupaten atau kota: tidak satu wilayah"
        written: set[str] = set()
        for match in _TYPE_IN_TEXT.finditer(folded):
            kind, _ = split_type(match.group(1).rstrip(".") + " x")
            _kind, rest = _after_type(re.split(r"[,;()/]", folded[match.end():])[0].strip(), kind)
            words = rest.split()
            found = self._name_after(words, _kind or kind, province)
            if found:
                extra = words[found[1]:]
                if match.start() == 0 and extra and not self._harmless_tail(extra, province):
                    return None, 0.0, f"'{' '.join(extra)}' sesudah nama wilayah: wilayah lain?"
                return found[0], 0.9 if found[2] else 0.85, "dalam nama instansi" if found[2] else "mirip"
            written.add(_kind or kind)
        tokens = re.findall(r"[a-z0-9-]+", folded)
        hits, blocked = set(), set()
        for size in (3, 2, 1):
            for i in range(len(tokens) - size + 1):
                run = " ".join(tokens[i:i + size])
                following = tokens[i + size] if i + size < len(tokens) else ""
                before = tokens[i - 1] if i else ""
                found = self._lookup(None, run, province, acronyms=False)
                if not (found and found[0] and len(key(run)) >= 4) or set(range(i, i + size)) & blocked:
                    continue
                # "Kabupaten Lampung Tenggara" is not Lampung, nor "Central Irian Jaya" Irian Jaya
                # (and no part of either); "Puskesmas Sinjai Utara" is in Sinjai (a district of it)
                if (following in _DIRECTIONS and (i == 0 or before in _TYPE_WORDS)) or before in _ENGLISH:
                    blocked |= set(range(i, i + size))
                    continue
                hits.add(found[0])
            if written:
                hits = {c for c in hits if self.by_code[c].kind in written}
            if hits:
                break
        if len(hits) == 1:
            return hits.pop(), ACCEPT, "nama wilayah di dalam teks"
        return self._acronym_after_acronym(value)

    def _acronym_after_acronym(self, value: str):
        """An organisation's acronym, then a region's: "PHRI DIY", "DPD KNPI NTT" (a chapter named
        after its area). Only when every word is an upper-case acronym, and flagged."""
        words = value.split()
        if not 2 <= len(words) <= 4 or not all(w.isupper() and w.isalpha() and len(w) <= 6 for w in words):
            return None
        last = key(words[-1])
        if last not in self.letter_acronyms:
            return None         # "TOKO MITRA", "PT BABAR": a word or a syllable short form, not an acronym
        return self.aliases[last], ACCEPT, "singkatan wilayah sesudah singkatan lembaga"

    @lru_cache(maxsize=1)
    def _fuzzy_choices(self) -> dict[str, tuple[str, str]]:
        return {f"{kind}|{name}": (kind, name) for kind, name in self.by_kind_name}

    def _near_codes(self, name_key: str, kind: str | None, province: str | None, limit: int) -> dict[str, float]:
        """code -> the best similarity among the `limit` names (of `kind`, in `province`)
        nearest `name_key`."""
        choices = {k: n for k, (kd, n) in self._fuzzy_choices().items() if kind in (None, kd)}
        scored: dict[str, float] = {}
        for _name, score, choice in process.extract(name_key, choices, scorer=fuzz.ratio, limit=limit):
            for code in self.by_kind_name[self._fuzzy_choices()[choice]]:
                if not province or code.split(".")[0] == province:
                    scored[code] = max(scored.get(code, 0.0), score)
        return scored

    def _resolve_fuzzy(self, value: str, province: str | None):
        kind, bare = split_type(value)
        bare = english_to_indonesian(bare)
        name_key = key(bare)
        if len(name_key) < 4:
            return None
        scored = self._near_codes(name_key, kind, province, 5)
        if not scored:
            return None
        ranked = sorted(scored.items(), key=lambda item: -item[1])
        top_code, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        confidence = top / 100 - 0.05
        if confidence >= ACCEPT and top - runner_up >= 5:
            return top_code, confidence, f"mirip ({top:.0f}%)"
        return None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shared gazetteer, loaded once per process."""
    return Gazetteer()


def resolve_region(text: str, codes: str = "kemendagri", province: str | None = None) -> Resolution:
    """Resolve a free-text region or code to a Kemendagri 2025 code."""
    return _resolved(text if isinstance(text, str) else str(text), codes, province)


@lru_cache(maxsize=50_000)
def _resolved(text: str, codes: str, province: str | None) -> Resolution:
    """Resolutions remembered by what was written: an export repeats its few hundred region
    spellings in every row (the gazetteer is loaded once per process, so an answer never goes
    stale)."""
    return gazetteer().resolve(text, codes=codes, province=province)
