"""Statistics for researchers: innovations per province or regency (per capita, per area,
spread over regencies, awards, agency types, sectors, SDGs, replications given and received,
share still running, median completeness), by year, as a matrix of two dimensions, and the
replication flows between provinces. Counts are numpy tallies over the index's per-document
facet arrays (the same arrays the search facets count with, for the documents a search
selects); median completeness and replications are SQL over the store (the selection passed
as one JSON list of ids). Never a loop over records.

Where a record counts: in the province its regency belongs to today (regency codes are 2025
codes, so the 2022 Papua split is already applied); a record with only the province of Papua
or Papua Barat, dated before 2023 (or undated), and no regency cannot be placed in today's
provinces and counts on a line of its own ("Papua, wilayah sebelum 2022"), flagged for review;
a record with a province but no regency counts at province level as "tanpa kabupaten/kota".
"""
from __future__ import annotations

import json
import statistics
from dataclasses import dataclass

import numpy as np

from indexer.normalize import PAPUA_BEFORE_SPLIT, SPLIT_YEAR
from indexer.reference import agency_type_labels, award_labels, sdg_labels, urusan_labels
from kms.regionfacts import AREA_SOURCE, POPULATION_SOURCE, provinces, region_facts, regencies, regencies_of
from kms.completeness import default_rules
from kms.params import MATRIX_DIMENSIONS
from kms.scores import ensure_scores
from kms.search import service
from kms.search.engine import Selected
from kms.search.query import SearchQuery

SMALL = 2                   # a per-capita or per-area figure from this many records or fewer is flagged

PROVINCE_OF = f"""CASE
  WHEN i.regency_code IS NOT NULL AND i.regency_code != '' THEN substr(i.regency_code, 1, instr(i.regency_code, '.') - 1)
  WHEN i.province_code IN ({", ".join(repr(code) for code in PAPUA_BEFORE_SPLIT)}) AND (i.year IS NULL OR i.year <= {SPLIT_YEAR})
    THEN i.province_code || '-pra-{SPLIT_YEAR}'
  ELSE i.province_code END"""
REGENCY_OF = f"COALESCE(NULLIF(i.regency_code, ''), ({PROVINCE_OF}))"
DIMENSION_SQL = {"province": PROVINCE_OF, "regency": REGENCY_OF, "year": "i.year", "sector": "i.sector",
                 "award": "COALESCE(NULLIF(i.award, ''), 'none')", "agency_type": "i.agency_type"}
SPLIT_NAMES = {"91-pra-2022": "Papua, wilayah sebelum 2022", "92-pra-2022": "Papua Barat, wilayah sebelum 2022"}
NO_REGION = "Tanpa wilayah"


@dataclass(frozen=True)
class Chosen:
    """The records a search selects: a mask over the index's facet arrays (engine.Selected),
    and whether that is every record (then SQL needs no id list)."""
    found: Selected
    every: bool

    def ids(self) -> list[str] | None:
        """The chosen ids for SQL (None: every record)."""
        return None if self.every else [str(self.found.ids[d]) for d in np.flatnonzero(self.found.mask)]


def choose(engine, query: SearchQuery, thesaurus=None) -> Chosen:
    """The records a search's words and filters select (all of them for no words, no filters)."""
    return Chosen(service.selected(engine, query, thesaurus), not query.q and not query.has_filters())


def dimension_rows(db, chosen: Chosen, by: str) -> list[dict]:
    """Innovations per value of one dimension (sector, sdg, award, agency_type), every value of
    the vocabulary listed, zeros included."""
    keys, totals = _tally(chosen, by)
    return [{"code": _text(key), "name": _label(by, key), "innovations": int(totals.get(key, 0))}
            for key in _keys(by, totals)]


# -- counting over the facet arrays (numpy; one pass per figure, never a record loop) -----------
def _places(chosen: Chosen, by: str) -> tuple[list, np.ndarray]:
    """(keys, per-document key index): each document's province (the province its regency
    belongs to; pre-split Papua lines; None without a region), or its regency (else the same
    province key, for the "tanpa kabupaten/kota" lines)."""
    arrays = chosen.found.arrays
    regency, province, year = arrays.codes["regency"], arrays.codes["province"], arrays.year
    keys: dict = {}

    def index(key):
        return keys.setdefault(key, len(keys))
    none = index(None)
    own = np.array([index(v if by == "regency" else v.split(".")[0]) for v in arrays.values["regency"]] + [none],
                   dtype=np.int64)
    plain = np.array([index(v) for v in arrays.values["province"]] + [none], dtype=np.int64)
    split = np.array([index(f"{v}-pra-{SPLIT_YEAR}") if v in PAPUA_BEFORE_SPLIT else plain[i]
                      for i, v in enumerate(arrays.values["province"])] + [none], dtype=np.int64)
    before = (year == 0) | (year <= SPLIT_YEAR)
    place = np.where(regency >= 0, own[regency], np.where(before, split[province], plain[province]))
    return list(keys), place


def _codes(chosen: Chosen, name: str) -> tuple[list, np.ndarray]:
    """(values, per-document value index) of a single-valued dimension (not sdg or award: those
    are COUNTED_BY_BITS); no value is None."""
    arrays = chosen.found.arrays
    if name == "year":
        years = sorted({int(y) for y in np.unique(arrays.year)})
        values = [y if y else None for y in years]
        position = {y: i for i, y in enumerate(years)}
        lookup = np.zeros(max(years or [0]) + 1, dtype=np.int64)
        for y, i in position.items():
            lookup[y] = i
        return values, lookup[arrays.year] if years else np.zeros(arrays.size, dtype=np.int64)
    values = list(arrays.values[name]) + [None]
    codes = arrays.codes[name]
    return values, np.where(codes >= 0, codes, len(values) - 1)


def _dimension(chosen: Chosen, name: str):
    if name in ("province", "regency"):
        return _places(chosen, name)
    return _codes(chosen, name)


def _tally(chosen: Chosen, name: str) -> tuple[list, dict]:
    """{value: count} of one dimension among the chosen documents."""
    mask = chosen.found.mask
    if name in COUNTED_BY_BITS:
        return _bit_keys(chosen, name), {key: int(np.count_nonzero(bits[mask])) for key, bits in _bits(chosen, name)}
    keys, codes = _dimension(chosen, name)
    counts = np.bincount(codes[mask], minlength=len(keys))
    return keys, {keys[i]: int(n) for i, n in enumerate(counts) if n}


COUNTED_BY_BITS = ("sdg", "award")      # a record may hold several: counted once under each


def _bits(chosen: Chosen, name: str):
    """(value, per-document bool array) for each value of a many-valued dimension the index
    holds: SDG numbers, or award tiers and "none" for records without any."""
    arrays = chosen.found.arrays
    masks = arrays.masks[name]
    for code, value in enumerate(arrays.values[name][:63]):
        if name == "sdg" and value.isdigit():
            yield int(value), (masks & (1 << code)) != 0
        elif name == "award" and value != "none":
            yield value, (masks & (1 << code)) != 0
    if name == "award":
        none_bit = 1 << arrays.values[name].index("none") if "none" in arrays.values[name][:63] else 0
        yield "none", (masks & ~none_bit) == 0


def _bit_keys(chosen: Chosen, name: str) -> list:
    return [value for value, _ in _bits(chosen, name)]


def _cross(chosen: Chosen, rows: str, cols: str) -> tuple[list, list, dict]:
    """(row keys, column keys, {row key: {column key: count}}) among the chosen documents."""
    mask = chosen.found.mask
    if cols in COUNTED_BY_BITS and rows in COUNTED_BY_BITS:
        out = {}
        col_bits = list(_bits(chosen, cols))
        for row_value, row_bits in _bits(chosen, rows):
            for col_value, col_bits_ in col_bits:
                n = int(np.count_nonzero(mask & row_bits & col_bits_))
                if n:
                    out.setdefault(row_value, {})[col_value] = n
        return _bit_keys(chosen, rows), [v for v, _ in col_bits], out
    if cols in COUNTED_BY_BITS or rows in COUNTED_BY_BITS:
        many, other = (rows, cols) if rows in COUNTED_BY_BITS else (cols, rows)
        keys, codes = _dimension(chosen, other)
        out: dict = {}
        for value, bits in _bits(chosen, many):
            counts = np.bincount(codes[mask & bits], minlength=len(keys))
            for i, n in enumerate(counts):
                if n:
                    pair = (value, keys[i]) if many == rows else (keys[i], value)
                    out.setdefault(pair[0], {})[pair[1]] = int(n)
        return (_bit_keys(chosen, many), keys, out) if many == rows else (keys, _bit_keys(chosen, many), out)
    row_keys, row_codes = _dimension(chosen, rows)
    col_keys, col_codes = _dimension(chosen, cols)
    width = len(col_keys)
    counts = np.bincount(row_codes[mask] * width + col_codes[mask], minlength=len(row_keys) * width)
    out = {}
    for flat in np.flatnonzero(counts):
        out.setdefault(row_keys[flat // width], {})[col_keys[flat % width]] = int(counts[flat])
    return row_keys, col_keys, out


def _where(ids: list[str] | None) -> tuple[str, list]:
    """The selection as SQL over innovations `i` (None: every record)."""
    if ids is None:
        return "1", []
    return "i.id IN (SELECT value FROM json_each(?))", [json.dumps(ids)]


def _label(dimension: str, value) -> str:
    if value is None:
        return "(kosong)"
    if dimension in ("province", "regency"):
        if value in SPLIT_NAMES:
            return SPLIT_NAMES[value]
        facts = region_facts().get(value)
        return facts.name if facts else str(value)
    table = {"sector": urusan_labels(), "award": {**award_labels(), "none": "Tanpa penghargaan"},
             "agency_type": agency_type_labels()}.get(dimension)
    if dimension == "sdg":
        return f"{value}. {sdg_labels().get(int(value), '')}".strip()
    return table.get(value, str(value)) if table else str(value)


def _per(count: int, base: float | None, unit: float) -> float | None:
    return round(count / base * unit, 2) if base else None


def _medians(db, group_sql: str, where: str, params: list) -> dict:
    """Median completeness score per group: scores are whole numbers 0-100, so SQL counts each
    score per group and the median is read off that histogram (the two middle scores averaged)."""
    rules = default_rules()
    ensure_scores(db, rules)
    histograms: dict = {}
    # the scores carry the columns that place a record (kms.scores.FIGURE_COLUMNS): no join
    placed = group_sql.replace("i.", "s.")
    chosen = where.replace("i.id", "s.record_id")
    sql = (f"SELECT ({placed}), s.score, COUNT(*) FROM completeness_scores s INDEXED BY idx_completeness_scores_places "
           f"WHERE s.rules = ? AND {chosen} GROUP BY 1, 2 ORDER BY 1, 2")
    for group, score, count in db.execute(sql, [rules.fingerprint, *params]):
        histograms.setdefault(group, []).append((score, count))
    return {group: _histogram_median(pairs) for group, pairs in histograms.items()}


def _histogram_median(pairs: list[tuple[int, int]]) -> float:
    """The median of values given as (value, count) in ascending order."""
    total = sum(count for _, count in pairs)
    wanted = ((total + 1) // 2, (total + 2) // 2)       # the middle one, or the middle two
    found, seen = [], 0
    for value, count in pairs:
        seen += count
        while len(found) < 2 and seen >= wanted[len(found)]:
            found.append(value)
    return round(sum(found) / 2, 1)


def _replications(db, group_sql: str, side: str, where: str, params: list, candidates: bool) -> dict:
    """Links per group of the record on `side` (original: given; replica: received), the
    selection applied to that side."""
    status = "r.status IN ('confirmed', 'candidate')" if candidates else "r.status = 'confirmed'"
    sql = (f"SELECT ({group_sql}), COUNT(*) FROM replications r JOIN innovations i ON i.id = r.{side}_id "
           f"WHERE {status} AND {where} GROUP BY 1")
    return dict(db.execute(sql, params).fetchall())


def region_rows(db, chosen: Chosen, by: str = "province", candidates: bool = False,
                within: tuple[str, ...] = ()) -> list[dict]:
    """One row per province (or per regency) of the gazetteer, zeros included, plus the lines
    no region of today can take (pre-split Papua, no regency, no region at all). `within`:
    regency rows of these provinces only (a search filtered by province)."""
    if by not in ("province", "regency"):
        raise ValueError(by)
    keys, place = _places(chosen, by)
    mask = chosen.found.mask
    arrays = chosen.found.arrays
    base = {keys[i]: int(n) for i, n in enumerate(np.bincount(place[mask], minlength=len(keys))) if n}
    status_values = arrays.values["status"]
    running_code = status_values.index("berlanjut") if "berlanjut" in status_values else -2
    running_counts = np.bincount(place[mask & (arrays.codes["status"] == running_code)], minlength=len(keys))
    running = {keys[i]: int(n) for i, n in enumerate(running_counts) if n}
    tables = {}
    for name in ("award", "agency_type", "sector", "sdg"):
        _rows, _cols, cells = _cross(chosen, by, name)
        tables[name] = cells
    awards, agencies, sectors = tables["award"], tables["agency_type"], tables["sector"]
    sdgs = {code: {str(n): v for n, v in cells.items()} for code, cells in tables["sdg"].items()}
    ids = chosen.ids()
    where, params = _where(ids)
    group = PROVINCE_OF if by == "province" else REGENCY_OF
    given = _replications(db, group, "original", where, params, candidates)
    received = _replications(db, group, "replica", where, params, candidates)
    medians = _medians(db, group, where, params)
    spread: dict = {}
    if by == "province":
        regency = arrays.codes["regency"]
        present = np.unique(regency[mask & (regency >= 0)])
        for value in present:
            province = arrays.values["regency"][value].split(".")[0]
            spread[province] = spread.get(province, 0) + 1
    regions = provinces() if by == "province" else \
        [f for f in regencies() if not within or f.province_code in within]
    rows = []
    for facts in regions:
        rows.append(_row(facts.code, facts.name, by, facts, base, running, awards, agencies, sectors, sdgs,
                         given, received, medians, spread))
    known = {facts.code for facts in regions}
    for code in sorted((c for c in base if c not in known and (not within or not c or c.split("-")[0] in within
                                                               or by == "province")),
                       key=lambda c: (c is None, str(c))):
        if by == "regency" and code and code in region_facts():      # a province's own line
            name, level = f"{region_facts()[code].name}: tanpa kabupaten/kota", "tanpa_kabkota"
        else:
            name, level = SPLIT_NAMES.get(code, NO_REGION if code is None else str(code)), \
                "sebelum_pemekaran" if code in SPLIT_NAMES else "tanpa_wilayah"
        rows.append(_row(code, name, level, None, base, running, awards, agencies, sectors, sdgs, given,
                         received, medians, spread))
    return rows


def _row(code, name, level, facts, base, running, awards, agencies, sectors, sdgs, given, received, medians, spread):
    count = base.get(code, 0)
    row = {"code": code, "bps_code": facts.bps_code if facts else None, "name": name, "level": level,
           "province_code": facts.province_code if facts else (code.split("-")[0] if code else None),
           "innovations": count,
           "population": facts.population if facts else None, "area_km2": facts.area_km2 if facts else None,
           "per_million": _per(count, facts.population if facts else None, 1_000_000),
           "per_10k_km2": _per(count, facts.area_km2 if facts else None, 10_000),
           "small_number": 0 < count <= SMALL,
           "running_share": round(running.get(code, 0) / count, 3) if count else None,
           "median_completeness": medians.get(code),
           "replications_given": given.get(code, 0), "replications_received": received.get(code, 0),
           "awards": {k: v for k, v in awards.get(code, {}).items() if k != "none"},
           "agency_types": agencies.get(code, {}), "sectors": {k: v for k, v in sectors.get(code, {}).items() if k},
           "sdgs": sdgs.get(code, {}), "review": level == "sebelum_pemekaran"}
    if level == "province":
        total = len(regencies_of().get(code, ()))
        row.update({"regencies": total, "regencies_with_innovation": spread.get(code, 0),
                    "regency_share": round(spread.get(code, 0) / total, 3) if total else None})
    return row


def year_rows(db, chosen: Chosen) -> list[dict]:
    """Per year: innovations, growth on the year before (share), cumulative total; years
    without records inside the span show 0; undated records on a line of their own."""
    _keys_, counts = _tally(chosen, "year")
    years = sorted(y for y in counts if y is not None)
    rows, total, previous = [], 0, None
    for year in range(years[0], years[-1] + 1) if years else ():
        count = counts.get(year, 0)
        total += count
        growth = round((count - previous) / previous, 3) if previous else None
        rows.append({"year": year, "innovations": count, "growth": growth, "cumulative": total})
        previous = count
    if None in counts:
        rows.append({"year": None, "innovations": counts[None], "growth": None, "cumulative": total + counts[None]})
    return rows


def matrix(db, chosen: Chosen, rows: str, cols: str) -> dict:
    """Counts for every pair of values of two dimensions: {"columns": [{"key", "label"}],
    "rows": [{"code", "name", "cells": {key: n}, "total"}]}; every province listed."""
    for name, dimension in (("rows", rows), ("cols", cols)):
        if dimension not in MATRIX_DIMENSIONS:
            raise ValueError(f"{name} must be one of {', '.join(MATRIX_DIMENSIONS)}")
    _row_keys, _col_keys, cells = _cross(chosen, rows, cols)
    row_keys = _keys(rows, cells.keys())
    col_keys = _keys(cols, {b for values in cells.values() for b in values})
    return {"columns": [{"key": _text(k), "label": _label(cols, k)} for k in col_keys],
            "rows": [{"code": _text(a), "name": _label(rows, a),
                      "cells": {_text(b): cells.get(a, {}).get(b, 0) for b in col_keys},
                      "total": sum(cells.get(a, {}).values())} for a in row_keys]}


def _text(value) -> str:
    """A matrix key as text ('' for no value: JSON object keys must be text)."""
    return "" if value is None else str(value)


def _keys(dimension: str, present) -> list:
    """The values a dimension shows: every province, every SDG, the vocabulary's award tiers and
    agency types, the present years and sectors (empty ones last)."""
    present = set(present)
    if dimension == "province":
        fixed = [f.code for f in provinces()]
    elif dimension == "sdg":
        fixed = list(range(1, 18))
    elif dimension == "award":
        fixed = [*award_labels(), "none"]
    elif dimension == "agency_type":
        fixed = list(agency_type_labels())
    elif dimension == "sector":
        fixed = list(urusan_labels())
    else:
        fixed = []
    extra = sorted((v for v in present if v not in fixed and v is not None), key=str)
    return fixed + extra + ([None] if None in present else [])


def flows(db, chosen: Chosen, candidates: bool = False) -> list[dict]:
    """Origin province -> replicating province with counts (the selection applied to the
    original innovation), largest first."""
    where, params = _where(chosen.ids())
    status = "r.status IN ('confirmed', 'candidate')" if candidates else "r.status = 'confirmed'"
    replica_province = PROVINCE_OF.replace("i.", "x.")
    sql = (f"SELECT ({PROVINCE_OF}), ({replica_province}), COUNT(*) FROM replications r "
           "JOIN innovations i ON i.id = r.original_id JOIN innovations x ON x.id = r.replica_id "
           f"WHERE {status} AND {where} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2")
    return [{"origin_code": a, "origin_name": _label("province", a), "replica_code": b,
             "replica_name": _label("province", b), "replications": n, "same_province": a == b}
            for a, b, n in db.execute(sql, params)]


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


SOURCES = {"population": POPULATION_SOURCE, "area": AREA_SOURCE,
           "codes": "Kemendagri 2025 (cahyadsn/wilayah); BPS 2018 (edwardsamuel/Wilayah-Administratif-Indonesia)"}


FLAT_REGION = ("code", "bps_code", "name", "level", "province_code", "innovations", "population", "area_km2",
               "per_million", "per_10k_km2", "small_number", "regencies", "regencies_with_innovation",
               "regency_share", "running_share", "median_completeness", "replications_given",
               "replications_received")
NESTED = (("awards", "award", award_labels), ("agency_types", "agency_type", agency_type_labels),
          ("sectors", "sector", urusan_labels), ("sdgs", "sdg", lambda: {str(n): n for n in range(1, 18)}))


def flat_region_rows(rows: list[dict]) -> tuple[list[str], list[dict]]:
    """Region rows as flat columns (CSV): each award tier, agency type, sector and SDG a column
    `award:top45`...; the population and area sources on every row."""
    columns = list(FLAT_REGION) + [f"{prefix}:{key}" for _, prefix, keys in NESTED for key in keys()] + \
        ["population_source", "area_source"]
    flat = []
    for row in rows:
        item = {name: row.get(name) for name in FLAT_REGION}
        for field, prefix, keys in NESTED:
            for key in keys():
                item[f"{prefix}:{key}"] = row[field].get(key, 0)
        item.update({"population_source": POPULATION_SOURCE, "area_source": AREA_SOURCE})
        flat.append(item)
    return columns, flat


def flat_matrix(table: dict) -> tuple[list[str], list[dict]]:
    keys = [column["key"] for column in table["columns"]]
    columns = ["code", "name", *[k or "(kosong)" for k in keys], "total"]
    return columns, [{"code": row["code"], "name": row["name"], "total": row["total"],
                      **{(k or "(kosong)"): row["cells"][k] for k in keys}} for row in table["rows"]]
