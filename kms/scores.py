"""Stored completeness (table completeness_scores): each record's score and gaps, written when
the record changes (kms.sync, after the index) and by `kms rescore` when the rules change, and
the campaign figures computed from them in SQL: summaries, group tables, drill-down rows and
worklists. Staleness depends on today's date, so it is never stored: it is computed in SQL
from the record's stored update date against a cut-off date.

A `Selection` says which records a figure covers (the search filters' ids, an agency, the
account's scope, a score range); every function here reads only scores made by the current
rules (`ensure_scores` brings outdated ones up to date first)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from indexer.textnorm import key
from kms.completeness import Rules, check_record, stale_cutoff
from kms.db import in_chunks
from kms.records import now_iso, record_ids as all_record_ids, records_by_id
from kms.search.query import ParameterError

GROUPS = {"hub": "Hub", "province": "Provinsi", "agency": "Instansi", "award_year": "Tahun penghargaan"}
SORT_COLUMNS = ("label", "records", "complete", "incomplete", "stale", "stopped", "mean_score")
ONLY = ("incomplete", "stale", "worklist")    # worklist: incomplete or stale
BINS = 10
_AWARD_YEAR = "CASE WHEN i.award_year THEN CAST(i.award_year AS TEXT) ELSE '' END"
_ACTIVE_HUB = "SELECT 1 FROM sources x WHERE x.record_id = i.id AND x.dropped_at IS NULL"


def save_scores(db, rules: Rules, record_ids=None) -> int:
    """Score these records (all when None) with `rules` and store the results."""
    record_ids = all_record_ids(db) if record_ids is None else list(record_ids)
    when, fingerprint, count = now_iso(), rules.fingerprint, 0
    for _marks, chunk in in_chunks(record_ids):
        records = records_by_id(db, chunk)
        rows = []
        for record in records.values():
            result = check_record(record, rules)
            rows.append((record["id"], result.score, json.dumps([g.as_json() for g in result.gaps],
                                                               ensure_ascii=False), fingerprint, when))
        gone = [i for i in chunk if i not in records]
        with db.conn:
            db.conn.executemany("INSERT INTO completeness_scores (record_id, score, gaps, rules, scored_at) "
                                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET "
                                "score = excluded.score, gaps = excluded.gaps, rules = excluded.rules, "
                                "scored_at = excluded.scored_at", rows)
            for marks, dropped in in_chunks(gone):
                db.execute(f"DELETE FROM completeness_scores WHERE record_id IN ({marks})", dropped)
        count += len(rows)
    return count


def outdated_ids(db, rules: Rules) -> list[str]:
    """Records without a score made by these rules (`kms rescore` fixes them)."""
    return [row[0] for row in db.execute(
        "SELECT i.id FROM innovations i LEFT JOIN completeness_scores s ON s.record_id = i.id "
        "WHERE s.rules IS NULL OR s.rules != ?", [rules.fingerprint])]


def ensure_scores(db, rules: Rules) -> int:
    """Score the records whose stored score is missing or made by other rules; how many."""
    outdated = outdated_ids(db, rules)
    return save_scores(db, rules, outdated) if outdated else 0


@dataclass(frozen=True)
class Selection:
    """Which records a campaign figure covers."""
    ids: tuple[str, ...] | None = None       # chosen by the search filters; None: no filter
    agency: str | None = None                # an agency name (compared folded)
    scope: tuple[str, tuple] = ("1", ())     # SQL over innovations `i` (accounts.scope_sql)
    min_score: float | None = None
    max_score: float | None = None


class _Figures:
    """The SQL of one read: the selection, an optional group and row filter, over
    innovations `i` joined with the current scores `s`."""

    def __init__(self, db, rules: Rules, selection: Selection, threshold: float,
                 today: dt.date | None = None):
        db.conn.create_function("kms_key", 1, lambda v: key(v or ""), deterministic=True)
        self.db, self.threshold = db, threshold
        self.cutoff = stale_cutoff(rules.stale_months, today or dt.date.today()).isoformat()
        self.where = ["s.rules = ?"]
        self.params: list = [rules.fingerprint]
        if selection.ids is not None:
            self.add("i.id IN (SELECT value FROM json_each(?))", json.dumps(list(selection.ids)))
        if selection.agency:
            self.add("kms_key(i.agency) = ?", key(selection.agency))
        self.add(selection.scope[0], *selection.scope[1])
        if selection.min_score is not None:
            self.add("s.score >= ?", selection.min_score)
        if selection.max_score is not None:
            self.add("s.score <= ?", selection.max_score)

    def add(self, sql: str, *params) -> None:
        self.where.append(f"({sql})")
        self.params.extend(params)

    @property
    def stale(self) -> tuple[str, list]:
        return ("(i.updated_at IS NULL OR date(substr(i.updated_at, 1, 10)) IS NULL "
                "OR substr(i.updated_at, 1, 10) < ?)", [self.cutoff])

    def in_group(self, by: str | None, value: str | None) -> None:
        if not by:
            return
        value = value or ""
        if by == "hub":
            if value:
                self.add(f"EXISTS ({_ACTIVE_HUB} AND x.hub = ?)", value)
            else:
                self.add(f"NOT EXISTS ({_ACTIVE_HUB})")
        elif by == "province":
            self.add("COALESCE(i.province_code, '') = ?", value)
        elif by == "agency":
            self.add("COALESCE(i.agency, '') = ?", value)
        else:
            self.add(f"{_AWARD_YEAR} = ?", value)

    def only(self, which: str | None) -> None:
        stale_sql, stale_params = self.stale
        if which == "incomplete":
            self.add("s.score < ?", self.threshold)
        elif which == "stale":
            self.add(stale_sql, *stale_params)
        elif which == "worklist":
            self.add(f"s.score < ? OR {stale_sql}", self.threshold, *stale_params)

    def base(self, columns: str) -> tuple[str, list]:
        """A CTE `base` of the selected records with the figures' columns."""
        stale_sql, stale_params = self.stale
        sql = (f"WITH base AS (SELECT i.id, s.score, {stale_sql} AS stale, i.status = 'berhenti' AS stopped, "
               f"substr(i.updated_at, 1, 10) AS updated, {columns} FROM innovations i "
               f"JOIN completeness_scores s ON s.record_id = i.id WHERE {' AND '.join(self.where)}) ")
        return sql, stale_params + self.params

    def figures(self, since: str | None = None) -> str:
        updated = ", TOTAL(updated >= ?) AS updated_since" if since else ""
        return (f"COUNT(*) AS records, TOTAL(score >= ?) AS complete, TOTAL(stale) AS stale, "
                f"TOTAL(stopped) AS stopped, AVG(score) AS mean{updated}")

    def figure_params(self, since: str | None = None) -> list:
        return [self.threshold] + ([since[:10]] if since else [])


def _check(by: str | None = None, sort: str | None = None) -> None:
    if by is not None and by not in GROUPS:
        raise ParameterError("by", f"by must be one of {', '.join(GROUPS)}")
    if sort is not None and sort not in SORT_COLUMNS:
        raise ParameterError("sort", f"sort must be one of {', '.join(SORT_COLUMNS)}")


def _figures_of(row, threshold: float) -> dict:
    records = row["records"]
    return {"records": records, "complete": int(row["complete"]),
            "incomplete": records - int(row["complete"]), "stale": int(row["stale"]),
            "stopped": int(row["stopped"]),
            "mean_score": round(row["mean"], 1) if records else 0.0, "threshold": threshold}


def summary(db, rules: Rules, selection: Selection, threshold: float, since: str | None = None,
            by: str | None = None, value: str | None = None) -> dict:
    """Overall figures: records, complete, incomplete, stale, stopped, mean score, the score
    distribution in ten bins, and (with `since`) how many were updated since that date."""
    _check(by)
    sql = _Figures(db, rules, selection, threshold)
    sql.in_group(by, value)
    base, params = sql.base("i.status")
    row = db.execute(base + f"SELECT {sql.figures(since)} FROM base",
                     params + sql.figure_params(since)).fetchone()
    out = _figures_of(dict(zip(("records", "complete", "stale", "stopped", "mean", "updated_since"), row)),
                      threshold)
    distribution = [0] * BINS
    for bin_, count in db.execute(base + f"SELECT MIN(score / {100 // BINS}, {BINS - 1}), COUNT(*) "
                                         f"FROM base GROUP BY 1", params):
        distribution[int(bin_)] = count
    out["distribution"] = distribution
    if since:
        out["updated_since"], out["since"] = int(row[5]), since[:10]
    return out


def group_table(db, rules: Rules, selection: Selection, by: str, threshold: float,
                sort: str = "records", descending: bool = True) -> list[dict]:
    """One row per hub / province / agency / award year with the campaign figures; a record
    with two hubs counts under both, one with none under "(tanpa hub)"."""
    _check(by, sort)
    sql = _Figures(db, rules, selection, threshold)
    if by == "hub":
        base, params = sql.base("1 AS one")
        query = (base + f"SELECT COALESCE(h.hub, '') AS value, COALESCE(h.hub, '(tanpa hub)') AS label, "
                 f"{sql.figures()} FROM base LEFT JOIN (SELECT DISTINCT record_id, hub FROM sources "
                 f"WHERE dropped_at IS NULL) h ON h.record_id = base.id GROUP BY 1")
    else:
        value, label = {"province": ("COALESCE(i.province_code, '')", "i.province_name"),
                        "agency": ("COALESCE(i.agency, '')", "i.agency"),
                        "award_year": (_AWARD_YEAR, "NULLIF(" + _AWARD_YEAR + ", '')")}[by]
        empty = {"province": "(tanpa wilayah)", "agency": "(tanpa instansi)",
                 "award_year": "(tanpa penghargaan)"}[by]
        base, params = sql.base(f"{value} AS value, {label} AS label")
        query = (base + f"SELECT value, COALESCE(MAX(label), ?) AS label, {sql.figures()} FROM base "
                 f"GROUP BY value")
        params = params + [empty]
    names = ("value", "label", "records", "complete", "stale", "stopped", "mean")
    table = [{"value": row[0], "label": row[1], **_figures_of(dict(zip(names, row)), threshold)}
             for row in db.execute(query, params + sql.figure_params())]
    table.sort(key=lambda g: (g[sort] if sort != "label" else str(g["label"]).lower()), reverse=descending)
    return table


def score_rows(db, rules: Rules, selection: Selection, threshold: float, by: str | None = None,
               value: str | None = None, only: str | None = None, limit: int | None = None,
               offset: int = 0) -> list[dict]:
    """The selected records, lowest score first, with score, gaps, flags and active hubs."""
    _check(by)
    sql = _Figures(db, rules, selection, threshold)
    sql.in_group(by, value)
    sql.only(only)
    base, params = sql.base(
        "i.title, i.agency, i.province_code, i.province_name, i.regency_name, i.award, i.award_year, "
        "i.updated_at, s.gaps, (SELECT group_concat(hub, char(31)) FROM (SELECT DISTINCT x.hub FROM "
        "sources x WHERE x.record_id = i.id AND x.dropped_at IS NULL ORDER BY x.hub)) AS hubs")
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    rows = []
    for row in db.query(base + f"SELECT * FROM base ORDER BY score, id{page}", params):
        rows.append({
            "id": row["id"], "title": row["title"], "agency": row["agency"],
            "province_code": row["province_code"], "province": row["province_name"],
            "regency": row["regency_name"], "hubs": row["hubs"].split("\x1f") if row["hubs"] else [],
            "award": row["award"], "award_year": row["award_year"], "updated_at": row["updated_at"],
            "score": row["score"], "gaps": json.loads(row["gaps"]), "stale": bool(row["stale"]),
            "stopped": bool(row["stopped"]),
        })
    return rows


def selected_ids(db, rules: Rules, selection: Selection, record_ids) -> set[str]:
    """Which of these records the selection covers."""
    out = set()
    for marks, chunk in in_chunks(record_ids):
        sql = _Figures(db, rules, selection, 0)
        sql.add(f"i.id IN ({marks})", *chunk)
        base, params = sql.base("1 AS one")
        out.update(row[0] for row in db.execute(base + "SELECT id FROM base", params))
    return out
