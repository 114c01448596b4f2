"""Statistics for researchers: innovations per province or regency (per capita, per area,
spread over regencies, awards, agency types, sectors, SDGs, replications given and received,
share still running, median completeness), by year, as a matrix of two dimensions, and the
replication flows between provinces. Every figure is SQL aggregation over the store (the
selection of a search passed as a JSON list of ids), never a loop over records.

Where a record counts: in the province its regency belongs to today (regency codes are 2025
codes, so the 2022 Papua split is already applied); a record with only the province of Papua
or Papua Barat, dated before 2023 (or undated), and no regency cannot be placed in today's
provinces and counts on a line of its own ("Papua, wilayah sebelum 2022"), flagged for review;
a record with a province but no regency counts at province level as "tanpa kabupaten/kota".
"""
from __future__ import annotations

import json
import statistics

from indexer.normalize import PAPUA_BEFORE_SPLIT, SPLIT_YEAR
from indexer.reference import agency_type_labels, award_labels, sdg_labels, urusan_labels
from kms.regionfacts import AREA_SOURCE, POPULATION_SOURCE, provinces, region_facts, regencies, regencies_of
from kms.completeness import default_rules
from kms.params import MATRIX_DIMENSIONS
from kms.scores import ensure_scores
from kms.search import service
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


def selected_ids(engine, query: SearchQuery, thesaurus=None) -> list[str] | None:
    """The records a search's words and filters select (None: no words, no filters: all)."""
    if not query.q and not query.has_filters():
        return None
    return service.matching_ids(engine, query, thesaurus)


def dimension_rows(db, ids: list[str] | None, by: str) -> list[dict]:
    """Innovations per value of one dimension (sector, sdg, award, agency_type), every value of
    the vocabulary listed, zeros included."""
    table = matrix(db, ids, by, "agency_type") if by != "agency_type" else matrix(db, ids, by, "award")
    return [{"code": row["code"], "name": row["name"], "innovations": row["total"]} for row in table["rows"]]


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
    """Median completeness score per group, with window functions (SQL picks the middle rows)."""
    sql = f"""SELECT grp, AVG(score) FROM (
                SELECT ({group_sql}) AS grp, s.score AS score,
                       ROW_NUMBER() OVER (PARTITION BY ({group_sql}) ORDER BY s.score) AS n,
                       COUNT(*) OVER (PARTITION BY ({group_sql})) AS total
                FROM innovations i JOIN completeness_scores s ON s.record_id = i.id AND s.rules = ?
                WHERE {where})
              WHERE n IN ((total + 1) / 2, (total + 2) / 2) GROUP BY grp"""
    rules = default_rules()
    ensure_scores(db, rules)
    return {row[0]: round(row[1], 1) for row in db.execute(sql, [rules.fingerprint, *params])}


def _counts(db, group_sql: str, column_sql: str, where: str, params: list) -> dict:
    """{group: {value: count}}."""
    out: dict = {}
    for group, value, count in db.execute(f"SELECT ({group_sql}), ({column_sql}), COUNT(*) FROM innovations i "
                                          f"WHERE {where} GROUP BY 1, 2", params):
        out.setdefault(group, {})[value] = count
    return out


def _sdg_counts(db, group_sql: str, where: str, params: list) -> dict:
    out: dict = {}
    for group, sdg, count in db.execute(f"SELECT ({group_sql}), CAST(j.value AS INTEGER), COUNT(*) FROM innovations i, "
                                        f"json_each(COALESCE(i.sdgs, '[]')) j WHERE {where} GROUP BY 1, 2", params):
        out.setdefault(group, {})[str(sdg)] = count
    return out


def _replications(db, group_sql: str, side: str, where: str, params: list, candidates: bool) -> dict:
    """Links per group of the record on `side` (original: given; replica: received), the
    selection applied to that side."""
    status = "r.status IN ('confirmed', 'candidate')" if candidates else "r.status = 'confirmed'"
    sql = (f"SELECT ({group_sql}), COUNT(*) FROM replications r JOIN innovations i ON i.id = r.{side}_id "
           f"WHERE {status} AND {where} GROUP BY 1")
    return dict(db.execute(sql, params).fetchall())


def region_rows(db, ids: list[str] | None = None, by: str = "province", candidates: bool = False,
                within: tuple[str, ...] = ()) -> list[dict]:
    """One row per province (or per regency) of the gazetteer, zeros included, plus the lines
    no region of today can take (pre-split Papua, no regency, no region at all). `within`:
    regency rows of these provinces only (a search filtered by province)."""
    if by not in ("province", "regency"):
        raise ValueError(by)
    group = PROVINCE_OF if by == "province" else REGENCY_OF
    where, params = _where(ids)
    base = dict(db.execute(f"SELECT ({group}), COUNT(*) FROM innovations i WHERE {where} GROUP BY 1", params).fetchall())
    running = dict(db.execute(f"SELECT ({group}), SUM(i.status = 'berlanjut') FROM innovations i WHERE {where} "
                              "GROUP BY 1", params).fetchall())
    awards = _counts(db, group, DIMENSION_SQL["award"], where, params)
    agencies = _counts(db, group, "i.agency_type", where, params)
    sectors = _counts(db, group, "i.sector", where, params)
    sdgs = _sdg_counts(db, group, where, params)
    given = _replications(db, group, "original", where, params, candidates)
    received = _replications(db, group, "replica", where, params, candidates)
    medians = _medians(db, group, where, params)
    spread: dict = {}
    if by == "province":
        for province, count in db.execute(f"SELECT ({PROVINCE_OF}), COUNT(DISTINCT i.regency_code) FROM innovations i "
                                          f"WHERE {where} AND i.regency_code IS NOT NULL AND i.regency_code != '' "
                                          "GROUP BY 1", params):
            spread[province] = count
    regions = provinces() if by == "province" else \
        [f for f in regencies() if not within or f.province_code in within]
    rows = []
    for facts in regions:
        rows.append(_row(facts.code, facts.name, by, facts, base, running, awards, agencies, sectors, sdgs,
                         given, received, medians, spread))
    known = {facts.code for facts in regions}
    for code in sorted((c for c in base if c not in known), key=lambda c: (c is None, str(c))):
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


def year_rows(db, ids: list[str] | None = None) -> list[dict]:
    """Per year: innovations, growth on the year before (share), cumulative total; years
    without records inside the span show 0; undated records on a line of their own."""
    where, params = _where(ids)
    counts = dict(db.execute(f"SELECT i.year, COUNT(*) FROM innovations i WHERE {where} GROUP BY 1", params).fetchall())
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


def matrix(db, ids: list[str] | None, rows: str, cols: str) -> dict:
    """Counts for every pair of values of two dimensions: {"columns": [{"key", "label"}],
    "rows": [{"code", "name", "cells": {key: n}, "total"}]}; every province listed."""
    for name, dimension in (("rows", rows), ("cols", cols)):
        if dimension not in MATRIX_DIMENSIONS:
            raise ValueError(f"{name} must be one of {', '.join(MATRIX_DIMENSIONS)}")
    where, params = _where(ids)
    cells: dict = {}

    def sql_of(dimension):
        return "CAST(j.value AS INTEGER)" if dimension == "sdg" else DIMENSION_SQL[dimension]
    source = "innovations i, json_each(COALESCE(i.sdgs, '[]')) j" if "sdg" in (rows, cols) else "innovations i"
    for a, b, count in db.execute(f"SELECT ({sql_of(rows)}), ({sql_of(cols)}), COUNT(*) FROM {source} "
                                  f"WHERE {where} GROUP BY 1, 2", params):
        cells.setdefault(a, {})[b] = count
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


def flows(db, ids: list[str] | None = None, candidates: bool = False) -> list[dict]:
    """Origin province -> replicating province with counts (the selection applied to the
    original innovation), largest first."""
    where, params = _where(ids)
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
