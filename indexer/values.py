"""Parsers for the small controlled values: years, awards, SDGs, stages, yes/no, status.

Each parser takes what a hub sent and returns the canonical value, or None when the value
is empty or cannot be understood (the caller flags the second case).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from indexer.reference import category_variants, vocabulary
from indexer.textnorm import clean_spaces, fold, key

MIN_YEAR, MAX_YEAR = 1990, 2035
_YEAR = re.compile(r"(?<!\d)(19[9]\d|20[0-3]\d)(?!\d)")
_EMPTY = {"", "-", "--", "n/a", "na", "null", "none", "tidak ada data", "belum ada", "0"}
_LONGEST_EMPTY = max(len(e) for e in _EMPTY)


def is_empty(value) -> bool:
    """True for None and the placeholders hubs use for "nothing here"."""
    if value is None:
        return True
    if isinstance(value, (list, tuple, dict)):
        return len(value) == 0
    text = str(value)
    if len(text) > 64 and len(fold(text[:64])) > _LONGEST_EMPTY:      # a narrative: never a placeholder,
        return False                                                  # and folding it all costs
    return fold(text) in _EMPTY


def parse_year(value) -> int | None:
    """A year from an int, a date, "2019", "12/05/2019", "Mei 2019" or free text."""
    if is_empty(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and not value.is_integer():   # 2020.7 is no year (nor NaN, inf)
        return None
    if isinstance(value, (int, float)):
        year = int(value)
        return year if MIN_YEAR <= year <= MAX_YEAR else None
    found = _YEAR.findall(str(value))
    return int(found[0]) if found else None


_MONTHS = {"januari": 1, "jan": 1, "februari": 2, "feb": 2, "pebruari": 2, "maret": 3, "mar": 3,
           "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
           "agustus": 8, "agu": 8, "agt": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
           "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "nopember": 11,
           "desember": 12, "des": 12, "dec": 12}


def parse_date(value) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date, ISO text, "12/05/2019" or "12 Mei 2019"."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = fold(str(value))
    iso = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso:
        parts = (int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    else:
        dmy = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
        named = re.match(r"^(\d{1,2})\s+([a-z]+)\s+(\d{4})", text)
        if dmy:
            parts = (int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1)))
        elif named and named.group(2) in _MONTHS:
            parts = (int(named.group(3)), _MONTHS[named.group(2)], int(named.group(1)))
        else:
            return None
    try:
        return dt.date(*parts).isoformat()
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _award_keys() -> dict[str, str]:
    table = {}
    for row in vocabulary("award_tiers"):
        table[key(row["key"])] = row["key"]
        table[key(row["label"])] = row["key"]
    table.update({"oapsi": "oapsi", "iga": "iga", "tidakada": "none", "tidak": "none",
                  "belumada": "none", "terpuji": "terpuji", "topinovasiterpuji": "terpuji"})
    return table


def parse_category(value) -> tuple[str | None, bool]:
    """A category key from its key, label or a variant (data/vocabularies/categories.csv), with
    or without "Inovasi"/"Kategori" before it; an unknown one is kept as written (False)."""
    if is_empty(value):
        return None, True
    text = clean_spaces(str(value))
    table = category_variants()
    for candidate in (text, re.sub(r"^(kategori|inovasi|bentuk inovasi)\s*:?\s+", "", text, flags=re.I)):
        found = table.get(key(candidate))
        if found:
            return found, True
    return text, False


def parse_award(value) -> tuple[str | None, int | None, bool]:
    """(tier key, award year, understood) from "TOP 99 KIPP 2019", "Top 45/2019", "Tidak Ada"."""
    if value is None or str(value).strip() in {"", "-"}:
        return None, None, True
    text = fold(str(value))
    year = parse_year(text)
    keys = _award_keys()
    tier = None
    top = re.search(r"\btop\s*(\d{1,2})\b", text)
    if "replikasi" in text and top and top.group(1) == "5":
        tier = "top5_replikasi"
    elif "terpuji" in text:
        tier = "terpuji"
    elif "outstanding" in text or "oapsi" in text:
        tier = "oapsi"
    elif "keberlanjutan" in text:
        tier = "keberlanjutan"
    elif "innovative government" in text or re.search(r"\biga\b", text):
        tier = "iga"
    elif top and key(f"top{top.group(1)}") in keys:
        tier = keys[key(f"top{top.group(1)}")]
    elif re.sub(r"\d+", "", key(text)) in keys:
        tier = keys[re.sub(r"\d+", "", key(text))]
    if tier is None:
        return None, year, False
    return tier, (None if tier == "none" else year), True


@lru_cache(maxsize=1)
def _sdg_names() -> list[tuple[int, str]]:
    names = []
    for row in vocabulary("sdgs"):
        names.append((int(row["number"]), fold(row["name_id"])))
        names.append((int(row["number"]), fold(row["name_en"])))
    return names


def parse_sdgs(value) -> tuple[list[int], bool]:
    """([3, 5, 10], understood) from "SDG 3", "TPB 3", "3, 5 dan 10" or SDG names."""
    if is_empty(value):
        return [], True
    if isinstance(value, (list, tuple)):
        found: set[int] = set()
        ok = True
        for item in value:
            numbers, understood = parse_sdgs(item)
            found.update(numbers)
            ok = ok and understood
        return sorted(found), ok
    if isinstance(value, (int, float)):
        number = int(value)
        return ([number], True) if 1 <= number <= 17 else ([], False)
    text = fold(str(value))
    found = set()
    for number, name in _sdg_names():
        if name in text:
            found.add(number)
            text = text.replace(name, " ")
    numbers = [int(n) for n in re.findall(r"(?<!\d)(\d{1,2})(?!\d)", text)]
    found.update(n for n in numbers if 1 <= n <= 17)
    understood = bool(found) and all(1 <= n <= 17 for n in numbers)
    return sorted(found), understood


_STAGES = {"inisiatif": "inisiatif", "inisiasi": "inisiatif", "ujicoba": "uji_coba",
           "uji_coba": "uji_coba", "trial": "uji_coba", "pilot": "uji_coba", "penerapan": "penerapan",
           "implementasi": "penerapan", "diterapkan": "penerapan", "implementation": "penerapan"}


def parse_stage(value) -> tuple[str | None, bool]:
    """Stage key (inisiatif, uji_coba, penerapan) from the many spellings."""
    if is_empty(value):
        return None, True
    stage = _STAGES.get(key(str(value)).replace("tahap", ""))
    return stage, stage is not None


_YES = {"ya", "yes", "y", "digital", "true", "1", "ada", "iya"}
_NO = {"tidak", "no", "n", "nondigital", "false", "bukan", "tidakdigital", "0"}


def parse_yes_no(value) -> tuple[str, bool]:
    """"yes" / "no" / "unknown" from ya/tidak, Digital/Non Digital, booleans."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "unknown", True
    if isinstance(value, bool):
        return ("yes" if value else "no"), True
    folded = key(str(value))
    if folded in _YES:
        return "yes", True
    if folded in _NO:
        return "no", True
    return "unknown", False


def parse_status(value) -> tuple[str, bool]:
    """berlanjut / berhenti / unknown; "berlanjut dengan pengembangan" counts as berlanjut."""
    if is_empty(value):
        return "unknown", True
    text = fold(str(value))
    if "berhenti" in text or "vakum" in text or "tidak berlanjut" in text or "stopped" in text:
        return "berhenti", True
    if "berlanjut" in text or "aktif" in text or "berjalan" in text or "continu" in text:
        return "berlanjut", True
    return "unknown", False
