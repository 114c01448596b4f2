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
    ("pemkot", "kota"), ("kota administrasi", "kota"), ("kota adm", "kota"), ("kota", "kota"),
    ("pemerintah daerah", ""), ("pemda", ""),
]
_TYPE_SUFFIXES = [("regency", "kabupaten"), ("city", "kota"), ("province", "provinsi")]
_ENGLISH = {"west": "barat", "east": "timur", "north": "utara", "south": "selatan",
            "central": "tengah", "southeast": "tenggara", "southwest": "barat daya",
            "northwest": "barat laut", "highland": "pegunungan", "highlands": "pegunungan"}
_CODE = re.compile(r"^(\d{2})(?:[.\s]?(\d{1,2}))?$")
_TYPE_IN_TEXT = re.compile(r"\b(provinsi|propinsi|prov\.?|kabupaten|kab\.?|kota(?:\s+adm(?:inistrasi|\.)?)?)\s+",
                           re.IGNORECASE)


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
    """("kota", "Makassar") from "Pemerintah Kota Makassar"; (None, text) when no type word."""
    folded = fold(text).replace(".", ". ").replace("  ", " ").strip()
    for prefix, kind in _TYPE_PREFIXES:
        if folded == prefix:
            return kind or None, ""
        if folded.startswith(prefix + " ") or folded.startswith(prefix + "."):
            return kind or None, folded[len(prefix):].lstrip(". ").strip()
    for suffix, kind in _TYPE_SUFFIXES:
        if folded.endswith(" " + suffix):
            return kind, folded[: -len(suffix)].strip()
    return None, folded


def english_to_indonesian(name: str) -> str:
    """"south sulawesi" -> "sulawesi selatan"; "riau islands" -> "kepulauan riau"."""
    tokens = name.split()
    if tokens[:3] == ["special", "region", "of"]:
        tokens = ["daerah", "istimewa"] + tokens[3:]
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
        self.aliases: dict[str, str] = {}
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
        for row in read_csv(REGIONS_DIR / "aliases.csv"):
            self.aliases[key(row["alias"])] = row["code"]
        for row in read_csv(REGIONS_DIR / "bps2018_crosswalk.csv"):
            code = row["kemendagri_kode_2018"]
            self.bps_regency[row["bps_code"]] = self.moved_codes.get(code, code)
        for row in read_csv(REGIONS_DIR / "bps2018_provinces.csv", fieldnames=["code", "name"]):
            found = self.resolve(row["name"])
            if found.code:
                self.bps_province[row["code"]] = found.code

    def _make_region(self, code: str, name: str) -> Region:
        name = clean_spaces(name)
        if "." not in code:
            return Region(code, name, "province", "provinsi", code, fold(name))
        kind, bare = split_type(name)
        return Region(code, name, "regency", kind or "kabupaten", code.split(".")[0], bare)

    def _add_name(self, kind: str, bare: str, code: str) -> None:
        name_key = key(bare)
        self.by_kind_name.setdefault((kind, name_key), set()).add(code)
        self.by_name.setdefault(name_key, set()).add(code)

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
        for attempt in (self._resolve_name, self._resolve_inside, self._resolve_fuzzy):
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

    def _lookup(self, kind: str | None, name: str, province: str | None):
        """(code, confidence) for an exact name, ("", 0) when ambiguous, None when unknown."""
        name_key = key(name)
        if not name_key:
            return None
        alias = self.aliases.get(name_key)
        if alias and (kind is None or self.by_code[alias].kind == kind):
            return alias, 1.0
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
        kind, bare = split_type(value)
        for name in dict.fromkeys([bare, english_to_indonesian(bare)]):
            found = self._lookup(kind, name, province)
            if found == ("", 0.0):
                options = self.by_name.get(key(name), set())
                listed = ", ".join(sorted(self.by_code[c].name for c in options))
                return None, 0.0, f"ambigu: {listed}"
            if found:
                return found[0], found[1], "nama"
        return None

    def _resolve_inside(self, value: str, province: str | None):
        """A region named inside a longer text: "Dinas Kesehatan Kota Makassar"."""
        folded = fold(value)
        for match in _TYPE_IN_TEXT.finditer(folded):
            kind, _ = split_type(match.group(1).rstrip(".") + " x")
            rest = re.split(r"[,;()/]", folded[match.end():])[0].split()
            for size in range(min(4, len(rest)), 0, -1):
                found = self._lookup(kind, " ".join(rest[:size]), province)
                if found and found[0]:
                    return found[0], 0.9, "dalam nama instansi"
        tokens = re.findall(r"[a-z0-9-]+", folded)
        hits = set()
        for size in (3, 2, 1):
            for i in range(len(tokens) - size + 1):
                found = self._lookup(None, " ".join(tokens[i:i + size]), province)
                if found and found[0] and len(key(" ".join(tokens[i:i + size]))) >= 4:
                    hits.add(found[0])
            if hits:
                break
        if len(hits) == 1:
            return hits.pop(), ACCEPT, "nama wilayah di dalam teks"
        return None

    @lru_cache(maxsize=1)
    def _fuzzy_choices(self) -> dict[str, tuple[str, str]]:
        return {f"{kind}|{name}": (kind, name) for kind, name in self.by_kind_name}

    def _resolve_fuzzy(self, value: str, province: str | None):
        kind, bare = split_type(value)
        bare = english_to_indonesian(bare)
        name_key = key(bare)
        if len(name_key) < 4:
            return None
        choices = {k: n for k, (kd, n) in self._fuzzy_choices().items() if kind in (None, kd)}
        best = process.extract(name_key, choices, scorer=fuzz.ratio, limit=5)
        scored: dict[str, float] = {}
        for _, score, choice in best:
            kd, nm = self._fuzzy_choices()[choice]
            for code in self.by_kind_name[(kd, nm)]:
                if province and code.split(".")[0] != province:
                    continue
                scored[code] = max(scored.get(code, 0.0), score)
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
    return gazetteer().resolve(text, codes=codes, province=province)
