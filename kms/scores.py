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

from indexer.agencies import unit_key
from indexer.textnorm import key
from kms.completeness import Rules, check_record, stale_cutoff
from kms.db import in_chunks, upsert_sql
from kms.records import active_hubs, count_records, hub_labels, now_iso, record_ids as all_record_ids, records_by_id
from kms.search.query import ParameterError

GROUPS = {"hub": "Hub", "province": "Provinsi", "agency": "Instansi", "award_year": "Tahun penghargaan"}
SORT_COLUMNS = ("label", "records", "complete", "incomplete", "stale", "stopped", "mean_score")
BINS = 10
FIGURE_COLUMNS = ("province_code", "province_name", "agency", "award_year", "status", "updated_at", "unit",
                  "regency_code", "year")
_AWARD_YEAR = "CASE WHEN s.award_year THEN CAST(s.award_year AS TEXT) ELSE '' END"
_ACTIVE_HUB = "SELECT 1 FROM score_hubs x WHERE x.record_id = s.record_id"
_IN_HUB = "s.record_id IN (SELECT record_id FROM score_hubs WHERE hub = ?)"


def save_scores(db, rules: Rules, record_ids=None) -> int:
    """Score these records (all when None) with `rules` and store the results."""
    record_ids = all_record_ids(db) if record_ids is None else list(record_ids)
    when, fingerprint, count = now_iso(), rules.fingerprint, 0
    upsert = upsert_sql("completeness_scores", ("record_id", "score", "gaps", "rules", "scored_at")
                        + FIGURE_COLUMNS, "record_id")
    for marks, chunk in in_chunks(record_ids):
        records = records_by_id(db, chunk)
        hubs = active_hubs(db, chunk)
        rows = []
        for record in records.values():
            result = check_record(record, rules)
            rows.append((record["id"], result.score, json.dumps([g.as_json() for g in result.gaps],
                                                               ensure_ascii=False), fingerprint, when)
                        + tuple(_figure_value(record, name) for name in FIGURE_COLUMNS))
        gone = [i for i in chunk if i not in records]
        with db.conn:
            db.execute(f"DELETE FROM score_hubs WHERE record_id IN ({marks})", chunk)
            for gone_marks, dropped in in_chunks(gone):
                db.execute(f"DELETE FROM completeness_scores WHERE record_id IN ({gone_marks})", dropped)
            db.conn.executemany(upsert, rows)
            db.conn.executemany("INSERT OR IGNORE INTO score_hubs (record_id, hub) VALUES (?, ?)",
                                [(record_id, hub) for record_id, found in hubs.items() if record_id in records
                                 for hub in found])
        count += len(rows)
    return count


def _figure_value(record: dict, name: str):
    value = record.get(name)
    if name == "updated_at" and value:      # kept only as a date, so staleness is a comparison
        try:
            dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    return value


def outdated_ids(db, rules: Rules) -> list[str]:
    """Records without a score made by these rules (`kms rescore` fixes them)."""
    current = db.execute("SELECT COUNT(*) FROM completeness_scores WHERE rules = ?", [rules.fingerprint]).fetchone()[0]
    if current == count_records(db):      # scores of removed records are deleted with them
        return []
    return [row[0] for row in db.execute(
        "SELECT i.id FROM innovations i LEFT JOIN completeness_scores s ON s.record_id = i.id "
        "WHERE s.rules IS NULL OR s.rules != ?", [rules.fingerprint])]


def ensure_scores(db, rules: Rules) -> int:
    """Score the records whose stored score is missing or made by other rules; how many."""
    outdated = outdated_ids(db, rules)
    return save_scores(db, rules, outdated) if outdated else 0


def scope_sql(user) -> tuple[str, tuple]:
    """kms.accounts.in_scope as SQL over the stored scores `s` (each carries the record's
    province, agency and active hubs), for figures over many records."""
    if user.role == "admin":
        return "1", ()
    if user.role == "hub_operator":
        if user.hub:
            return _IN_HUB, (user.hub,)
        return "s.province_code = ? OR s.province_code LIKE ?", (user.province, user.province + ".%")
    if user.role == "agency_editor":
        if user.unit:
            return ("s.agency IS NOT NULL AND kms_key(s.agency) = ? AND kms_unit_key(s.unit) = ?",
                    (key(user.agency or ""), unit_key(user.unit)))
        return "s.agency IS NOT NULL AND kms_key(s.agency) = ?", (key(user.agency or ""),)
    return "0", ()


@dataclass(frozen=True)
class Selection:
    """Which records a campaign figure covers."""
    ids: tuple[str, ...] | None = None       # chosen by the search filters; None: no filter
    agency: str | None = None                # an agency name (compared folded)
    scope: tuple[str, tuple] = ("1", ())     # SQL over the scores `s` (scope_sql)
    min_score: float | None = None
    max_score: float | None = None


class _Figures:
    """The SQL of one read over the current scores `s` (completeness_scores, which carries the
    columns figures group and filter by): the selection, an optional group and row filter."""

    def __init__(self, db, rules: Rules, selection: Selection, threshold: float,
                 today: dt.date | None = None):
        db.conn.create_function("kms_key", 1, lambda v: key(v or ""), deterministic=True)
        db.conn.create_function("kms_unit_key", 1, unit_key, deterministic=True)
        self.threshold = threshold
        self.cutoff = stale_cutoff(rules.stale_months, today or dt.date.today()).isoformat()
        self.where = ["s.rules = ?"]
        self.params: list = [rules.fingerprint]
        if selection.ids is not None:
            self.add("s.record_id IN (SELECT value FROM json_each(?))", json.dumps(list(selection.ids)))
        if selection.agency:
            self.add("kms_key(s.agency) = ?", key(selection.agency))
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
        return "(s.updated_at IS NULL OR s.updated_at < ?)", [self.cutoff]

    def in_group(self, by: str | None, value: str | None) -> None:
        if not by:
            return
        value = value or ""
        if by == "hub":
            if value:
                self.add(_IN_HUB, value)
            else:
                self.add(f"NOT EXISTS ({_ACTIVE_HUB})")
        elif by == "province":
            self.add("COALESCE(s.province_code, '') = ?", value)
        elif by == "agency":
            self.add("COALESCE(s.agency, '') = ?", value)
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

    def sums(self, since: str | None = None) -> tuple[str, list]:
        """The figures' sums over the selected scores, as SELECT columns and their parameters."""
        stale_sql, stale_params = self.stale
        updated = ", TOTAL(substr(s.updated_at, 1, 10) >= ?)" if since else ", 0"
        return (f"COUNT(*), TOTAL(s.score >= ?), TOTAL({stale_sql}), TOTAL(s.status = 'berhenti'), "
                f"TOTAL(s.score){updated}", [self.threshold] + stale_params + ([since[:10]] if since else []))

    def select(self, columns: str, column_params: list, tail: str = "", joins: str = "") -> tuple[str, list]:
        return (f"SELECT {columns} FROM completeness_scores s {joins} WHERE {' AND '.join(self.where)} {tail}",
                column_params + self.params)


def _check(by: str | None = None, sort: str | None = None) -> None:
    if by is not None and by not in GROUPS:
        raise ParameterError("by", f"by must be one of {', '.join(GROUPS)}",
                             f"by harus salah satu dari: {', '.join(GROUPS)}", "not_a_choice")
    if sort is not None and sort not in SORT_COLUMNS:
        raise ParameterError("sort", f"sort must be one of {', '.join(SORT_COLUMNS)}",
                             f"sort harus salah satu dari: {', '.join(SORT_COLUMNS)}", "not_a_choice")


class _Sums:
    """Figures added up from SQL sums (records, complete, stale, stopped, score total, updated)."""

    def __init__(self):
        self.values = [0, 0, 0, 0, 0.0, 0]

    def add(self, row) -> None:
        for number, value in enumerate(row):
            self.values[number] += value or 0

    def figures(self, threshold: float) -> dict:
        records, complete, stale, stopped, total, _updated = self.values
        return {"records": records, "complete": int(complete), "incomplete": records - int(complete),
                "stale": int(stale), "stopped": int(stopped),
                "mean_score": round(total / records, 1) if records else 0.0, "threshold": threshold}


def summary(db, rules: Rules, selection: Selection, threshold: float, since: str | None = None,
            by: str | None = None, value: str | None = None) -> dict:
    """Overall figures: records, complete, incomplete, stale, stopped, mean score, the score
    distribution in ten bins, and (with `since`) how many were updated since that date."""
    _check(by)
    sql = _Figures(db, rules, selection, threshold)
    sql.in_group(by, value)
    columns, params = sql.sums(since)
    total, distribution = _Sums(), [0] * BINS
    query, params = sql.select(f"MIN(s.score / {100 // BINS}, {BINS - 1}), {columns}", params, "GROUP BY 1")
    for bin_, *row in db.execute(query, params):
        total.add(row)
        distribution[int(bin_)] += row[0]
    out = {**total.figures(threshold), "distribution": distribution}
    if since:
        out["updated_since"], out["since"] = int(total.values[5]), since[:10]
    return out


def group_tables(db, rules: Rules, selection: Selection, threshold: float, sort: str = "records",
                 descending: bool = True, groups=tuple(GROUPS)) -> dict[str, list[dict]]:
    """{group: rows} for hub / province / agency / award year with the campaign figures; a
    record with two hubs counts under both, one with none under "(tanpa hub)". Province,
    agency and award year come from one scan grouped by all three."""
    _check(sort=sort)
    for by in groups:
        _check(by)
    sql = _Figures(db, rules, selection, threshold)
    columns, params = sql.sums()
    sums: dict[str, dict[str, _Sums]] = {by: {} for by in groups}
    labels: dict[str, dict[str, str]] = {by: {} for by in groups}
    plain = [by for by in groups if by != "hub"]
    if plain:
        query, query_params = sql.select(
            f"COALESCE(s.province_code, ''), MAX(s.province_name), COALESCE(s.agency, ''), {_AWARD_YEAR}, "
            f"{columns}", params, "GROUP BY 1, 3, 4")
        for province, province_name, agency, award_year, *row in db.execute(query, query_params):
            keys = {"province": (province, province_name or "(tanpa wilayah)"),
                    "agency": (agency, agency or "(tanpa instansi)"),
                    "award_year": (award_year, award_year or "(tanpa penghargaan)")}
            for by in plain:
                value, label = keys[by]
                sums[by].setdefault(value, _Sums()).add(row)
                labels[by].setdefault(value, label)
    if "hub" in groups:
        hub_names = hub_labels(db)
        query, query_params = sql.select(f"COALESCE(h.hub, ''), {columns}", params, "GROUP BY 1",
                                         "LEFT JOIN score_hubs h ON h.record_id = s.record_id")
        for hub, *row in db.execute(query, query_params):
            sums["hub"].setdefault(hub, _Sums()).add(row)
            labels["hub"][hub] = hub_names.get(hub, hub) if hub else "(tanpa hub)"
    tables = {}
    for by in groups:
        table = [{"value": value, "label": labels[by][value], **figures.figures(threshold)}
                 for value, figures in sums[by].items()]
        tables[by] = sort_table(table, sort, descending)
    return tables


def sort_table(table: list[dict], column: str, descending: bool) -> list[dict]:
    """Group rows sorted by one column (labels by their lower-case text; ties by label)."""
    _check(sort=column)
    return sorted(table, key=lambda g: (str(g["label"]).lower() if column == "label" else g[column],
                                        str(g["label"]).lower()), reverse=descending)


def group_table(db, rules: Rules, selection: Selection, by: str, threshold: float,
                sort: str = "records", descending: bool = True) -> list[dict]:
    """One group's table (group_tables)."""
    _check(by)
    return group_tables(db, rules, selection, threshold, sort, descending, (by,))[by]


def count_rows(db, rules: Rules, selection: Selection, threshold: float, by: str | None = None,
               value: str | None = None, only: str | None = None) -> int:
    """How many records score_rows lists for the same arguments (for paging)."""
    _check(by)
    sql = _Figures(db, rules, selection, threshold)
    sql.in_group(by, value)
    sql.only(only)
    query, params = sql.select("COUNT(*)", [])
    return db.execute(query, params).fetchone()[0]


def score_rows(db, rules: Rules, selection: Selection, threshold: float, by: str | None = None,
               value: str | None = None, only: str | None = None, limit: int | None = None,
               offset: int = 0) -> list[dict]:
    """The selected records, lowest score first, with score, gaps, flags and active hubs."""
    _check(by)
    sql = _Figures(db, rules, selection, threshold)
    sql.in_group(by, value)
    sql.only(only)
    stale_sql, stale_params = sql.stale
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    query, params = sql.select(
        f"s.record_id AS id, i.title, s.agency, s.province_code, s.province_name, i.regency_name, i.award, "
        f"i.innovator, i.contact, i.unit, "
        f"s.award_year, s.updated_at, s.status, s.score, s.gaps, {stale_sql} AS stale, "
        f"(SELECT group_concat(hub, char(31)) FROM (SELECT x.hub FROM score_hubs x "
        f"WHERE x.record_id = s.record_id ORDER BY x.hub)) AS hubs", stale_params,
        f"ORDER BY s.score, s.record_id{page}", "JOIN innovations i ON i.id = s.record_id")
    rows = []
    for row in db.query(query, params):
        rows.append({
            "id": row["id"], "title": row["title"], "agency": row["agency"],
            "province_code": row["province_code"], "province": row["province_name"],
            "regency": row["regency_name"], "hubs": row["hubs"].split("\x1f") if row["hubs"] else [],
            "award": row["award"], "award_year": row["award_year"], "updated_at": row["updated_at"],
            "score": row["score"], "gaps": json.loads(row["gaps"]), "stale": bool(row["stale"]),
            "stopped": row["status"] == "berhenti", "innovator": row["innovator"], "contact": row["contact"],
            "unit": row["unit"],
        })
    return rows


def selected_ids(db, rules: Rules, selection: Selection, record_ids) -> set[str]:
    """Which of these records the selection covers."""
    out = set()
    for marks, chunk in in_chunks(record_ids):
        sql = _Figures(db, rules, selection, 0)
        sql.add(f"s.record_id IN ({marks})", *chunk)
        query, params = sql.select("s.record_id", [])
        out.update(row[0] for row in db.execute(query, params))
    return out
