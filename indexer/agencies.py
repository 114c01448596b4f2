"""Agency names -> one canonical name, an agency type and the unit inside it.

"Pemkot Bima", "Pemerintah Kota bima" and "PEMERINTAH KOTA BIMA" are one agency;
"Dinas Kesehatan Kota Makassar" is a unit of Pemerintah Kota Makassar; "Kemendikbud" is
Kementerian Pendidikan dan Kebudayaan. Unknown agencies keep their cleaned name and are
flagged, never dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from indexer.casing import smart_title
from indexer.reference import DATA_DIR, read_csv, vocabulary
from indexer.regions import REVIEW, gazetteer, resolve_region, split_type
from indexer.textnorm import clean_spaces, fold, key

_SUFFIX_RI = re.compile(r"\s*(,?\s*republik indonesia|\s+ri|\(ri\))\s*$", re.IGNORECASE)
LOCAL_UNIT_WORDS = (
    "dinas", "badan", "rsud", "rumah sakit", "puskesmas", "kecamatan", "kelurahan", "desa",
    "bappeda", "bapenda", "disdukcapil", "dukcapil", "dpmptsp", "dpmpt", "satpol", "sekretariat",
    "setda", "bagian", "biro", "upt", "uptd", "perpustakaan", "kantor", "inspektorat", "sekolah",
    "smp", "sma", "smk", "sd", "mal pelayanan", "mall pelayanan", "bpbd", "bkpsdm", "bkd", "diskominfo",
    "dinkes", "disdik", "dispenduk", "dishub", "dlh", "dpmd", "bpkad", "rs ",
)
POLICE_UNITS = ("polda", "polres", "polresta", "polrestabes", "polsek", "korlantas")
PROSECUTOR_UNITS = ("kejati", "kejari", "kejaksaan tinggi", "kejaksaan negeri")
UNIVERSITY = re.compile(r"^(universitas|univ\.?|institut|politeknik|poltekkes|sekolah tinggi|akademi|uin|iain|"
                        r"stain|stikes|stie|stmik|stisipol)\b")
CIVIL_SOCIETY = re.compile(r"^(yayasan|lsm|lembaga swadaya masyarakat|perkumpulan|komunitas|forum|ngo|"
                           r"organisasi masyarakat|ormas|aliansi|jaringan|gerakan masyarakat)\b")
OTHER_KNOWN = (r"^koperasi\b", r"^cv\b", r"^ud\b")

GOVERNMENT_TYPE = {"provinsi": "pemprov", "kabupaten": "pemkab", "kota": "pemkot"}


@dataclass(frozen=True)
class Agency:
    name: str
    type: str
    unit: str | None = None
    known: bool = True
    region_code: str | None = None
    reason: str = ""


def _spellings(row: dict, short: str, name: str) -> list[str]:
    spellings = [row[short], row[name], row[name].replace("/", " "), _SUFFIX_RI.sub("", row[name])]
    for also in re.findall(r"also ([^;]+)", row.get("note", "")):
        spellings += [s.strip(" '") for s in re.split(r"[;,]", also)]
    return [s for s in spellings if s and len(key(s)) >= 2]


@lru_cache(maxsize=1)
def _ministries() -> dict[str, tuple[str, str]]:
    """key(spelling) -> (canonical name, type): ministries.csv, and the national agencies
    (non-ministerial, non-structural and state institutions) of national_agencies.csv."""
    table: dict[str, tuple[str, str]] = {}
    for row in vocabulary("ministries"):
        kind = "lembaga" if row["note"].startswith("lembaga") else "kementerian"
        for spelling in _spellings(row, "abbreviation", "name"):
            table.setdefault(key(spelling), (row["name"], kind))
    for row in vocabulary("national_agencies"):
        for spelling in _spellings(row, "abbreviation", "name"):
            table.setdefault(key(spelling), (row["name"], "lembaga"))
    return table


@lru_cache(maxsize=1)
def _enterprises() -> dict[str, tuple[str, str]]:
    """key(spelling) -> (canonical name, reason) of the state enterprises and subsidiaries."""
    table: dict[str, tuple[str, str]] = {}
    for row in vocabulary("state_enterprises"):
        reason = "anak usaha BUMN" if row["kind"] == "anak_bumn" else "BUMN"
        bare = re.sub(r"^(pt|perum)\s+|\s*\((persero)\)|\s+tbk$", "", fold(row["name"])).strip()
        for spelling in {row["name"], row["short"], bare, *_spellings(row, "short", "name")}:
            if len(key(spelling)) >= 3:
                table.setdefault(key(spelling), (row["name"], reason))
    return table


@lru_cache(maxsize=1)
def _regional_enterprise_patterns() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(row["pattern"]) for row in vocabulary("regional_enterprises"))


def region_government_name(code: str) -> tuple[str, str]:
    """("Pemerintah Kota Makassar", "pemkot") for a region code."""
    region = gazetteer().by_code[code]
    if region.level == "province":
        return f"Pemerintah Provinsi {region.name}", "pemprov"
    return f"Pemerintah {region.name}", GOVERNMENT_TYPE[region.kind]


def _clean(text: str) -> str:
    text = clean_spaces(str(text)).strip(" ,;-")
    text = re.sub(r"^PT\.\s*", "PT ", text, flags=re.IGNORECASE)
    return smart_title(text)


def _starts_with_unit_word(folded: str) -> bool:
    return any(folded.startswith(word) for word in LOCAL_UNIT_WORDS)


def _ministry(folded_text: str, cleaned: str) -> Agency | None:
    table = _ministries()
    bare = _SUFFIX_RI.sub("", folded_text)
    if key(bare) in table:
        name, kind = table[key(bare)]
        return Agency(name, kind, None, True, None, "kementerian/lembaga")
    if bare.startswith(POLICE_UNITS):
        return Agency("Kepolisian Negara Republik Indonesia", "lembaga", cleaned, True, None, "unit Polri")
    if bare.startswith(PROSECUTOR_UNITS):
        return Agency("Kejaksaan Agung", "lembaga", cleaned, True, None, "unit Kejaksaan")
    # A national agency's office in a region: "BNN Kota Makassar", "BPS Kabupaten Gowa",
    # "Kantor Kementerian Agama Kabupaten Sinjai".
    tokens = re.sub(r"^(kantor wilayah|kantor|kanwil|balai besar|balai|perwakilan)\s+", "", bare).split()
    for size in range(min(6, len(tokens) - 1), 0, -1):
        head = key(" ".join(tokens[:size]))
        if head in table and len(head) >= 2:
            place = resolve_region(" ".join(tokens[size:]))
            if place.code and place.confidence >= REVIEW:
                name, kind = table[head]
                return Agency(name, kind, _SUFFIX_RI.sub("", cleaned), True, place.code, "kantor daerah instansi pusat")
    # A unit inside a ministry: its full name or abbreviation at the end of the text.
    for size in range(min(12, len(tokens) - 1), 0, -1):
        tail = key(" ".join(tokens[-size:]))
        if tail in table and len(tail) >= 3:
            name, kind = table[tail]
            return Agency(name, kind, _SUFFIX_RI.sub("", cleaned), True, None, "unit kementerian")
    return None


def _company(folded: str, cleaned: str) -> Agency | None:
    """A state enterprise (its registry name), or one a region owns."""
    if any(p.search(folded) for p in _regional_enterprise_patterns()):
        return Agency(cleaned, "bumd", None, True, None, "BUMD")
    bare = re.sub(r"^(pt|perum|persero)\.?\s+", "", folded.replace("(persero)", ""))
    bare = re.sub(r"\s+tbk\.?$", "", bare).strip(" .,")
    table = _enterprises()
    for size in range(min(6, len(bare.split())), 0, -1):      # "PT PLN (Persero) UP3 Makassar": a unit
        head = key(" ".join(bare.split()[:size]))
        if head in table:
            name, reason = table[head]
            unit = cleaned if size < len(bare.split()) else None
            return Agency(name, "bumn", unit, True, None, reason)
    if "(persero)" in folded or folded.startswith("perum "):
        return Agency(cleaned, "bumn", None, True, None, "BUMN")
    return None


def _region_government(text: str, folded: str, cleaned: str, region_hint: str | None) -> Agency | None:
    kind, bare = split_type(text)
    starts_with_type = kind is not None or folded.startswith(("pemda", "pemerintah daerah"))
    if starts_with_type and bare:
        found = resolve_region(text)
        if found.code and found.confidence >= REVIEW and (kind is None or found.level == "province"
                                                          or gazetteer().by_code[found.code].kind == kind):
            name, gov_type = region_government_name(found.code)
            return Agency(name, gov_type, None, True, found.code, "pemerintah daerah")
    found = resolve_region(text, province=(region_hint or "").split(".")[0] or None)
    if found.code and found.reason in ("dalam nama instansi", "nama instansi"):
        name, gov_type = region_government_name(found.code)
        return Agency(name, gov_type, cleaned, True, found.code, "unit pemerintah daerah")
    if _starts_with_unit_word(folded):
        if found.code:
            name, gov_type = region_government_name(found.code)
            return Agency(name, gov_type, cleaned, found.confidence >= REVIEW, found.code,
                          "unit; wilayah dari nama")
        if region_hint:
            name, gov_type = region_government_name(region_hint)
            return Agency(name, gov_type, cleaned, True, region_hint, "unit; wilayah dari entri")
    return None


_UNIT_WORDS = ((r"\bkab\b\.?", "kabupaten"), (r"\bprov\b\.?", "provinsi"), (r"\bkota adm\b\.?", "kota"),
               (r"\bkota administrasi\b", "kota"), (r"\bkabupaten administrasi\b", "kabupaten"),
               (r"\bpemkab\b", "pemerintah kabupaten"), (r"\bpemkot\b", "pemerintah kota"),
               (r"\bpemprov\b", "pemerintah provinsi"))


@lru_cache(maxsize=1)
def _unit_abbreviations() -> dict[str, str]:
    """One-word abbreviations of regional units and their expansions (data/search/synonyms.csv)."""
    return {row["term"]: row["expansion"] for row in read_csv(DATA_DIR / "search" / "synonyms.csv")
            if row.get("kind") == "abbreviation" and row["term"].isalpha()
            and row["expansion"].startswith(("dinas", "badan", "sekretariat", "inspektorat", "kantor"))}


@lru_cache(maxsize=20_000)
def unit_key(text: str | None) -> str:
    """A unit's name as compared: "Dinkes Kab. Sinjai" and "Dinas Kesehatan Kabupaten Sinjai"
    are one unit."""
    folded = fold(text or "")
    for pattern, word in _UNIT_WORDS:
        folded = re.sub(pattern, word, folded)
    words = [_unit_abbreviations().get(w, w) for w in re.findall(r"[a-z0-9]+", folded)]
    return key(" ".join(words))


def normalize_agency(text, region_hint: str | None = None) -> Agency | None:
    """Canonical agency for a spelling; `region_hint` is the record's region code, if known.
    Answers are remembered by spelling and hint (an export repeats its agencies in every row)."""
    return _normalized_agency(text if text is None or isinstance(text, str) else str(text), region_hint)


@lru_cache(maxsize=50_000)
def _normalized_agency(text, region_hint: str | None) -> Agency | None:
    if text is None or not str(text).strip() or str(text).strip() in {"-", "--"}:
        return None
    cleaned = _clean(str(text))
    folded = fold(cleaned)
    for attempt in (lambda: _ministry(folded, cleaned),
                    lambda: _company(folded, cleaned),
                    lambda: _region_government(cleaned, folded, cleaned, region_hint)):
        found = attempt()
        if found:
            return found
    if folded.startswith("kementerian "):
        return Agency(_SUFFIX_RI.sub("", cleaned), "kementerian", None, True, None, "pola nama")
    if UNIVERSITY.match(folded):
        return Agency(cleaned, "perguruan_tinggi", None, True, None, "perguruan tinggi")
    if CIVIL_SOCIETY.match(folded):
        return Agency(cleaned, "lsm", None, True, None, "organisasi masyarakat sipil")
    if re.match(r"^(badan|lembaga|komisi)\b", folded) and "daerah" not in folded:
        return Agency(_SUFFIX_RI.sub("", cleaned), "lembaga", None, True, None, "pola nama")   # RI dropped alike
    if any(re.search(p, folded) for p in OTHER_KNOWN):
        return Agency(cleaned, "other", None, True, None, "pola nama")
    return Agency(cleaned, "other", None, False, None, "instansi tidak dikenal")
