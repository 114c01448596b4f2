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
from indexer.reference import vocabulary
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
BUMD_PATTERNS = (r"\bpdam\b", r"\bperumda\b", r"\bperusda\b", r"\bperseroda\b", r"^pd\.? ",
                 r"bank pembangunan daerah", r"\bbpd\b",
                 r"\bbank (jatim|jateng|jabar|bjb|dki|sulselbar|nagari|kalbar|kalsel|kaltimtara|"
                 r"sumut|riau kepri|sumsel babel|ntb|ntt|papua|bali|aceh|bpd diy|sultra|sulteng|sulutgo)\b")
BUMN_NAMES = ("pln", "pertamina", "pos indonesia", "telkom", "bank rakyat indonesia", "bri",
              "bank negara indonesia", "bni", "bank mandiri", "btn", "bank tabungan negara",
              "jasa marga", "pelindo", "kereta api indonesia", "kai", "garuda indonesia", "pegadaian",
              "taspen", "asabri", "asdp", "angkasa pura", "bulog", "perhutani", "jamkrindo",
              "askrindo", "bio farma", "biofarma", "kimia farma", "pupuk indonesia", "semen indonesia",
              "pgn", "perusahaan gas negara", "permodalan nasional madani", "pnm")
OTHER_KNOWN = (r"^universitas\b", r"^institut\b", r"^politeknik\b", r"^sekolah tinggi\b",
               r"^yayasan\b", r"^lsm\b", r"^koperasi\b")

GOVERNMENT_TYPE = {"provinsi": "pemprov", "kabupaten": "pemkab", "kota": "pemkot"}


@dataclass(frozen=True)
class Agency:
    name: str
    type: str
    unit: str | None = None
    known: bool = True
    region_code: str | None = None
    reason: str = ""


@lru_cache(maxsize=1)
def _ministries() -> dict[str, tuple[str, str]]:
    """key(spelling) -> (canonical name, type) from ministries.csv, alternates from its notes."""
    table: dict[str, tuple[str, str]] = {}
    for row in vocabulary("ministries"):
        kind = "lembaga" if row["note"].startswith("lembaga") else "kementerian"
        entry = (row["name"], kind)
        spellings = [row["abbreviation"], row["name"], row["name"].replace("/", " ")]
        for also in re.findall(r"also ([^;]+)", row["note"]):
            spellings += [s.strip(" '") for s in re.split(r"[;,]", also)]
        for spelling in spellings:
            if spelling and len(key(spelling)) >= 2:
                table.setdefault(key(spelling), entry)
    return table


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
    # A unit inside a ministry: its full name or abbreviation at the end of the text.
    tokens = bare.split()
    for size in range(min(12, len(tokens) - 1), 0, -1):
        tail = key(" ".join(tokens[-size:]))
        if tail in table and len(tail) >= 3:
            name, kind = table[tail]
            return Agency(name, kind, _SUFFIX_RI.sub("", cleaned), True, None, "unit kementerian")
    return None


def _company(folded: str, cleaned: str) -> Agency | None:
    if any(re.search(p, folded) for p in BUMD_PATTERNS):
        return Agency(cleaned, "bumd", None, True, None, "BUMD")
    name = re.sub(r"^(pt|perum|persero)\s+", "", folded.replace("(persero)", "").replace("tbk", "")).strip(" .")
    if "(persero)" in folded or folded.startswith("perum ") or name in BUMN_NAMES \
            or any(folded.startswith(f"pt {n}") for n in BUMN_NAMES):
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
    if found.code and found.reason == "dalam nama instansi":
        name, gov_type = region_government_name(found.code)
        return Agency(name, gov_type, cleaned, True, found.code, "unit pemerintah daerah")
    if _starts_with_unit_word(folded):
        if found.code:
            name, gov_type = region_government_name(found.code)
            return Agency(name, gov_type, cleaned, found.confidence >= REVIEW, found.code,
                          "unit; wilayah dari nama")
        if region_hint:
            name, gov_type = region_government_name(region_hint)
            return Agency(name, gov_type, cleaned, True, region_hint, "unit; wilayah dari rekaman")
    return None


def normalize_agency(text, region_hint: str | None = None) -> Agency | None:
    """Canonical agency for a spelling; `region_hint` is the record's region code, if known."""
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
    if re.match(r"^(badan|lembaga|komisi)\b", folded) and "daerah" not in folded:
        return Agency(cleaned, "lembaga", None, True, None, "pola nama")
    if any(re.search(p, folded) for p in OTHER_KNOWN):
        return Agency(cleaned, "other", None, True, None, "pola nama")
    return Agency(cleaned, "other", None, False, None, "instansi tidak dikenal")
