"""One raw source record + its hub mapping -> canonical fields and the issues found.

Pure functions: no I/O. A record that cannot become an innovation at all (no title)
raises RecordError and is quarantined by the pipeline.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from indexer import limits
from indexer.agencies import normalize_agency
from indexer.casing import smart_title
from indexer.htmltext import clean_text, html_to_text
from indexer.limits import Limits
from indexer.mapping import Mapping
from indexer.reference import vocabulary
from indexer.regions import ACCEPT, REVIEW, Resolution, gazetteer, resolve_region
from indexer.sources import get_path
from indexer.textnorm import clean_spaces, fold, key
from indexer.values import (is_empty, parse_award, parse_category, parse_date, parse_sdgs,
                            parse_stage, parse_status, parse_year, parse_yes_no)
from kms.schema import (AGENCY_TYPES, CONTENT_FIELDS, NATIONAL_AGENCY_TYPES, REGION_GOVERNMENT_TYPES,
                        SECTIONS)

_HTML = re.compile(r"<\s*/?\s*(p|br|div|span|b|i|u|ul|ol|li|strong|em|h\d|table|tr|td)\b", re.I)
_MULTI_TEXT = ("title", *SECTIONS)


class RecordError(ValueError):
    """A record that cannot be ingested; the message names the field."""


@dataclass(frozen=True)
class Issue:
    kind: str        # region | agency | value | encoding | contradiction
    field: str
    message: str
    value: str = ""  # the spelling in question, for a decision (kms decide)


PAPUA_BEFORE_SPLIT = ("91", "92")     # Papua and Papua Barat, split into six provinces in 2022
SPLIT_YEAR = 2022


@dataclass
class Normalized:
    source_id: str
    fields: dict
    issues: list[Issue] = field(default_factory=list)
    source_updated_at: str | None = None


def check_size(raw: dict, most: Limits) -> None:
    """A record over the record limit, or with a value over the field limit, is refused naming
    the column (a 10 MB field would slow every later ingest in its province)."""
    total, largest = limits.size(raw)
    if total > most.record_chars:
        raise RecordError(f"entri berisi {total} karakter, lebih dari batas {most.record_chars} "
                          f"(INGEST_MAX_RECORD_KB); kolom terbesar '{largest}'")


def unreadable_text(fields: dict) -> list[Issue]:
    """A review item per text field holding U+FFFD: bytes of another encoding in a file read
    as UTF-8 (a file of mixed encodings), shown to a person instead of kept in silence."""
    found = []
    for name, value in fields.items():
        if isinstance(value, str) and "\ufffd" in value:
            at = value.index("\ufffd")
            found.append(Issue("encoding", name, f"{name}: {value.count(chr(0xfffd))} karakter tak terbaca "
                                                 f"(berkas bercampur pengodean?), mis. "
                                                 f"'{value[max(0, at - 20):at + 20]}'"))
    return found


def _raw_values(raw: dict, columns: list[str], most_chars: int) -> list:
    values = []
    for column in columns:
        value = get_path(raw, column)
        if isinstance(value, str) and len(value) > most_chars:
            raise RecordError(f"kolom '{column}': {len(value)} karakter, lebih dari batas {most_chars} "
                              f"(INGEST_MAX_FIELD_KB)")
        if not is_empty(value):
            values.append(value)
    return values


def _as_text(value, name: str):
    """A value for a text field: text or a number as written; a list of texts in a narrative
    section is its paragraphs; anything else (true/false, a table, a list elsewhere) is refused
    naming the field, never stored as Python's rendering of it."""
    if isinstance(value, bool):
        raise RecordError(f"{name}: nilai ya/tidak ({str(value).lower()}), bukan teks")
    if isinstance(value, (str, int, float)):
        return value
    if isinstance(value, list) and name in SECTIONS and all(isinstance(v, (str, int, float))
                                                            and not isinstance(v, bool) for v in value):
        return "\n\n".join(str(v) for v in value)
    kind = "daftar" if isinstance(value, list) else "tabel" if isinstance(value, dict) else type(value).__name__
    raise RecordError(f"{name}: berisi {kind}, bukan teks (petakan kolom yang berisi teks)")


def _text(value, as_html: bool) -> str:
    text = str(value)
    if as_html or _HTML.search(text):
        return html_to_text(text)
    return clean_text(text)


_FOLDED_TABLES: dict[int, tuple[dict, dict]] = {}


def _folded_table(table: dict) -> dict:
    """A [values.FIELD] table with folded keys, made once per table (not once per row)."""
    kept = _FOLDED_TABLES.get(id(table))
    if kept is None or kept[0] is not table:
        if len(_FOLDED_TABLES) > 256:
            _FOLDED_TABLES.clear()
        kept = (table, {fold(k): v for k, v in table.items()})
        _FOLDED_TABLES[id(table)] = kept
    return kept[1]


def _mapped(raw: dict, mapping: Mapping, name: str, most_chars: int | None = None) -> list:
    values = _raw_values(raw, mapping.fields.get(name, []), most_chars or limits.current().field_chars)
    table = mapping.values.get(name)
    if table:
        folded = _folded_table(table)
        values = [folded.get(fold(str(v)), v) if not isinstance(v, (list, dict)) else v
                  for v in values]
    if not values and name in mapping.defaults:
        values = [mapping.defaults[name]]
    return values


@lru_cache(maxsize=1)
def _urusan_keys() -> dict[str, str]:
    table = {}
    for row in vocabulary("urusan_pemerintahan"):
        table[key(row["key"])] = row["key"]
        table[key(row["name"])] = row["key"]
    return table


def parse_sector(value) -> tuple[str | None, bool]:
    """An urusan key from a key, its name, or "Urusan Kesehatan"."""
    if is_empty(value):
        return None, True
    text = re.sub(r"^(urusan|bidang|sektor)\s+", "", fold(str(value)))
    table = _urusan_keys()
    if key(text) in table:
        return table[key(text)], True
    for name_key, urusan in table.items():
        if len(name_key) >= 6 and name_key in key(text):
            return urusan, True
    return None, False


def source_id_for(raw: dict, mapping: Mapping, title: str, line: int) -> str:
    """The hub's own id; when it sends none, a hash of the record's identifying text."""
    if mapping.id:
        value = get_path(raw, mapping.id)
        if not is_empty(value):
            return clean_spaces(str(value))
    basis = json.dumps([key(title), sorted((k, str(v)) for k, v in raw.items()
                                           if k in ("agency", "Instansi", "instansi"))])
    return "h-" + hashlib.sha1(basis.encode()).hexdigest()[:12]


def choose_region(resolutions: list[Resolution]) -> Resolution | None:
    """The most specific accepted resolution; a province narrows ambiguous regency names."""
    accepted = [r for r in resolutions if r.code and r.confidence >= ACCEPT]
    if not accepted:
        return None
    regencies = [r for r in accepted if r.level == "regency"]
    return max(regencies or accepted, key=lambda r: r.confidence)


REGIONLESS_TYPES = (*NATIONAL_AGENCY_TYPES, "lsm", "perguruan_tinggi")
NATIONAL_WORDS = {"nasional", "pusat", "indonesia", "seluruhindonesia", "ri", "republikindonesia", "nkri",
                  "kantorpusat", "tingkatnasional"}


def _regionless(agency) -> bool:
    """An agency with no region of its own; "Badan ..." by its pattern alone may be a region's."""
    return agency is not None and agency.type in REGIONLESS_TYPES \
        and not (agency.type == "lembaga" and agency.reason == "pola nama")


def _national(values: list) -> bool:
    """A region column that says the innovation is national."""
    return bool(values) and all(key(str(v)) in NATIONAL_WORDS for v in values)


def _within(code: str, other: str) -> bool:
    """Whether two codes can name the same place: equal, or one the province of the other."""
    return code == other or code.split(".")[0] == other or other.split(".")[0] == code


def _agrees(one: Resolution, chosen: Resolution) -> bool:
    """The same region, or the province the chosen regency lies in."""
    return one.code == chosen.code or one.code == chosen.province_code


def resolve_regions(values: list, codes: str) -> tuple[Resolution | None, list[Issue]]:
    """Resolve every region value given, in order, and pick one."""
    issues: list[Issue] = []
    texts = [clean_spaces(str(v)) for v in values if not is_empty(v)]
    first = [resolve_region(t, codes=codes) for t in texts]
    province = next((r.province_code for r in first if r.code), None)
    resolutions = [r if r.code else resolve_region(t, codes=codes, province=province)
                   for r, t in zip(first, texts)]
    chosen = choose_region(resolutions)
    sure = chosen is not None and chosen.confidence >= REVIEW
    for r in resolutions:
        # A column a better one already settles is no question for a person: a province name
        # beside a BPS code that gave the regency, an unreadable column beside a coded one.
        if sure and (r.code is None or _agrees(r, chosen)):
            continue
        if r.code is None:
            issues.append(Issue("region", "region", f"wilayah '{r.input}' tidak dapat dipastikan"
                                                    f" ({r.reason})", r.input))
        elif r.confidence < REVIEW:
            issues.append(Issue("region", "region", f"wilayah '{r.input}' ditebak sebagai {r.name}"
                                                    f" (keyakinan {r.confidence:.2f}, {r.reason})", r.input))
    if chosen:
        clash = [r for r in resolutions if r.code and r.province_code != chosen.province_code]
        for r in clash:
            issues.append(Issue("region", "region", f"wilayah bertentangan: '{r.input}' ({r.name}) "
                                                    f"dan '{chosen.input}' ({chosen.name})"))
    return chosen, issues


def normalize_record(raw: dict, mapping: Mapping, line: int = 0, most: Limits | None = None) -> Normalized:
    """Canonical fields of one source record (`most`: the ingest limits; read from the settings
    when not given)."""
    most = most or limits.current()
    check_size(raw, most)
    fields: dict = {name: None for name in CONTENT_FIELDS}
    issues: list[Issue] = []
    html_fields = set(mapping.html_fields)

    for name in ("title", *SECTIONS, "category", "innovator", "contact", "video_url", "unit"):
        values = _mapped(raw, mapping, name, most.field_chars)
        if not values:
            continue
        parts = [_text(_as_text(v, name), name in html_fields) for v in values]
        parts = [p for p in parts if p]
        if name in _MULTI_TEXT:
            fields[name] = "\n\n".join(dict.fromkeys(parts)) or None
        else:
            fields[name] = clean_spaces(parts[0]) if parts else None
    title = clean_spaces(fields["title"] or "")
    if not title:
        raise RecordError("judul inovasi (title) kosong")
    fields["title"] = smart_title(title)
    for name in ("innovator", "unit"):
        if fields[name]:
            fields[name] = smart_title(fields[name])
    category_urusan = None
    if fields["category"]:                     # a key of data/vocabularies/categories.csv
        written = fields["category"]
        fields["category"], known = parse_category(written)
        if not known:
            category_urusan, is_urusan = parse_sector(written)
            if is_urusan and category_urusan:  # an urusan written where the category goes: a sector
                fields["category"] = None
            else:
                fields["category"] = smart_title(written)
                issues.append(Issue("value", "category", f"kategori '{written}' tidak ada di kosakata", written))

    for name in ("year", "start_year"):
        values = _mapped(raw, mapping, name, most.field_chars)
        if values:
            fields[name] = parse_year(values[0])
            if fields[name] is None:
                issues.append(Issue("value", name, f"tahun '{values[0]}' tidak dikenali", str(values[0])))

    region_values = _mapped(raw, mapping, "region", most.field_chars)
    chosen, region_issues = resolve_regions(region_values, mapping.region_codes)
    issues += region_issues

    agency_values = _mapped(raw, mapping, "agency", most.field_chars)
    agency = normalize_agency(agency_values[0], chosen.code if chosen else None) if agency_values else None
    if agency:
        fields["agency"], fields["agency_type"] = agency.name, agency.type
        fields["unit"] = fields["unit"] or agency.unit
        if not agency.known:
            issues.append(Issue("agency", "agency", f"instansi '{agency_values[0]}' tidak dikenal "
                                                    f"({agency.reason}); nama dibersihkan dipakai",
                                str(agency_values[0])))
        if chosen is None and agency.region_code:
            found = resolve_region(agency.region_code)
            chosen = found
            issues = [i for i in issues if i.kind != "region" or "tidak dapat" not in i.message]
    if chosen is None and agency_values:
        found = resolve_region(str(agency_values[0]))
        if found.code and found.confidence >= ACCEPT:
            chosen = found
            if found.confidence < REVIEW:       # "CV Pasir", "Yayasan Solo Peduli": a name, not an area
                issues.append(Issue("region", "region", f"wilayah ditebak dari nama instansi '{found.input}' "
                                    f"sebagai {found.name} (keyakinan {found.confidence:.2f}, {found.reason})",
                                    str(agency_values[0])))
    if chosen is None and (_regionless(agency) or _national(region_values)):
        # a ministry, a state enterprise, an NGO, a region written as "Nasional": no region is
        # the right answer, not a question for a person
        issues = [i for i in issues if i.kind != "region"]
    if chosen and agency and agency.region_code and agency.type in REGION_GOVERNMENT_TYPES \
            and not _within(chosen.code, agency.region_code):
        named = gazetteer().by_code[agency.region_code].name
        issues.append(Issue("contradiction", "region",
                            f"instansi '{agency.name}' ({named}) bertentangan dengan wilayah "
                            f"'{chosen.input}'" + (f" ({chosen.name})" if chosen.input != chosen.name else "")
                            + ": putuskan dengan `kms decide`",
                            json.dumps({"region": chosen.input, "agency": str(agency_values[0]),
                                        "agency_region": agency.region_code, "region_code": chosen.code})))
    if chosen:
        region = gazetteer().by_code[chosen.code]
        province = gazetteer().by_code[region.province_code]
        fields["province_code"], fields["province_name"] = province.code, province.name
        if region.level == "regency":
            fields["regency_code"], fields["regency_name"] = region.code, region.name
        elif region.code in PAPUA_BEFORE_SPLIT and (fields.get("year") is None or fields["year"] <= SPLIT_YEAR):
            issues.append(Issue("region", "region",
                                f"wilayah '{chosen.input}' ({region.name}) tanpa kabupaten/kota, sebelum pemekaran "
                                f"Papua {SPLIT_YEAR}: wilayahnya kini mungkin provinsi lain; isi kabupaten/kotanya",
                                chosen.input))

    type_values = _mapped(raw, mapping, "agency_type", most.field_chars)
    if type_values:
        wanted = key(str(type_values[0]))
        if wanted in AGENCY_TYPES:
            fields["agency_type"] = wanted
        else:
            issues.append(Issue("value", "agency_type", f"jenis instansi '{type_values[0]}' tidak dikenal"))

    _parse_controlled(raw, mapping, fields, issues, most)
    if category_urusan and not fields["sector"]:
        fields["sector"] = category_urusan
    photos = _mapped(raw, mapping, "photos", most.field_chars)
    items: list[str] = []
    for value in photos:
        items += value if isinstance(value, list) else re.split(r"[;\n,]\s*", str(value))
    fields["photos"] = [clean_spaces(str(p)) for p in items if str(p).strip()]

    updated = _mapped(raw, mapping, "updated_at", most.field_chars)
    source_updated_at = parse_date(updated[0]) if updated else None
    issues += unreadable_text(fields)
    return Normalized(source_id_for(raw, mapping, title, line), fields, issues, source_updated_at)


def _parse_controlled(raw: dict, mapping: Mapping, fields: dict, issues: list[Issue], most: Limits) -> None:
    """Sector, SDGs, award, stage, digital and status."""
    values = _mapped(raw, mapping, "sector", most.field_chars)
    if values:
        fields["sector"], ok = parse_sector(values[0])
        if not ok:
            issues.append(Issue("value", "sector", f"urusan '{values[0]}' tidak dikenal", str(values[0])))
    values = _mapped(raw, mapping, "sdgs", most.field_chars)
    fields["sdgs"], ok = parse_sdgs(values) if values else ([], True)
    if not ok:
        issues.append(Issue("value", "sdgs", f"SDG '{values}' tidak sepenuhnya dikenali"))
    values = _mapped(raw, mapping, "award", most.field_chars)
    if values:
        tier, year, ok = parse_award(values[0])
        fields["award"], fields["award_year"] = tier, year
        if not ok:
            issues.append(Issue("value", "award", f"penghargaan '{values[0]}' tidak dikenali", str(values[0])))
    year_values = _mapped(raw, mapping, "award_year", most.field_chars)
    if year_values:
        fields["award_year"] = parse_year(year_values[0])
    if fields["award"] and fields["award"] != "none" and not fields["award_year"]:
        fields["award_year"] = fields["year"]
    for name, parser in (("stage", parse_stage), ("digital", parse_yes_no), ("status", parse_status)):
        values = _mapped(raw, mapping, name, most.field_chars)
        if values:
            fields[name], ok = parser(values[0])
            if not ok:
                issues.append(Issue("value", name, f"nilai '{values[0]}' tidak dikenali", str(values[0])))
    fields["digital"] = fields["digital"] or "unknown"
    fields["status"] = fields["status"] or "unknown"
