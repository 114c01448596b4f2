"""Data-update campaigns: which records a campaign covers, their scores, summaries by hub,
province, agency and award year, worklists (CSV, XLSX) and snapshots over time."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

from indexer.textnorm import key
from kms.records import active_hubs, all_records, now_iso
from kms.completeness import Rules, check_record
from kms.search.labels import FACET_TITLES, facet_label
from kms.search.query import ParameterError, SearchQuery
from kms.search.service import matching_ids

GROUPS = {"hub": "Hub", "province": "Provinsi", "agency": "Instansi", "award_year": "Tahun penghargaan"}
BINS = 10
WORKLIST_COLUMNS = [
    ("id", "ID"), ("title", "Judul"), ("agency", "Instansi"), ("province", "Provinsi"),
    ("regency", "Kabupaten/Kota"), ("hubs", "Hub"), ("score", "Skor"),
    ("required_gaps", "Wajib belum lengkap"), ("gaps", "Yang kurang"), ("stale", "Belum diperbarui"),
    ("updated_at", "Terakhir diperbarui"), ("edit_url", "Tautan perbarui"),
]


@dataclass(frozen=True)
class Campaign:
    id: int | None
    name: str
    filters: str           # URL query string of the shared filter parameters
    threshold: float
    starts_on: str
    deadline: str | None

    def query(self) -> SearchQuery:
        return SearchQuery.from_args(_parse_qs(self.filters), 20)


def _parse_qs(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text or "", keep_blank_values=False)


def create_campaign(db, name: str, filters: str, threshold, deadline: str | None, user: str) -> int:
    """Store a campaign after checking its fields; raises ParameterError naming the field."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ParameterError("name", "nama kampanye wajib diisi (maksimal 200 karakter)")
    filters = (filters or "").strip().lstrip("?")
    SearchQuery.from_args(_parse_qs(filters), 20)   # raises on a bad filter
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise ParameterError("threshold", "ambang skor harus angka 0-100") from None
    if not 0 <= threshold <= 100:
        raise ParameterError("threshold", "ambang skor harus angka 0-100")
    if deadline:
        try:
            dt.date.fromisoformat(deadline)
        except ValueError:
            raise ParameterError("deadline", "tenggat harus tanggal YYYY-MM-DD") from None
    with db.conn:
        table = db["campaigns"].insert({
            "name": name, "filters": filters, "threshold": threshold, "deadline": deadline or None,
            "starts_on": dt.date.today().isoformat(), "created_by": user, "created_at": now_iso()})
    return table.last_pk


def get_campaign(db, campaign_id: int) -> Campaign | None:
    rows = list(db.query("SELECT * FROM campaigns WHERE id = ?", [campaign_id]))
    if not rows:
        return None
    row = rows[0]
    return Campaign(row["id"], row["name"], row["filters"] or "", row["threshold"], row["starts_on"],
                    row["deadline"])


def list_campaigns(db) -> list[Campaign]:
    return [get_campaign(db, row["id"]) for row in db.query("SELECT id FROM campaigns ORDER BY id DESC")]


def select_records(db, engine, query: SearchQuery | None, agency: str | None = None,
                   scope=None) -> list[dict]:
    """Records chosen by the shared filters (through the search index), an agency name, and
    the account's scope (a predicate on (record, hubs)). Each record carries `hubs`."""
    hubs = active_hubs(db)
    wanted = None
    if query is not None and (query.q or query.filters or query.year_from or query.year_to):
        wanted = set(matching_ids(engine, query))
    agency_key = key(agency) if agency else None
    records = []
    for record in all_records(db):
        if wanted is not None and record["id"] not in wanted:
            continue
        if agency_key and key(record["agency"] or "") != agency_key:
            continue
        record["hubs"] = sorted(hubs.get(record["id"], ()))
        if scope is not None and not scope(record, set(record["hubs"])):
            continue
        records.append(record)
    return records


def score_records(records: list[dict], rules: Rules, today: dt.date | None = None) -> list[dict]:
    """Rows for tables and worklists: the record's identity with its score, gaps and flags."""
    rows = []
    for record in records:
        result = check_record(record, rules, today)
        rows.append({
            "id": record["id"], "title": record.get("title"), "agency": record.get("agency"),
            "province_code": record.get("province_code"), "province": record.get("province_name"),
            "regency": record.get("regency_name"), "hubs": record.get("hubs", []),
            "award": record.get("award"), "award_year": record.get("award_year"),
            "status": record.get("status"), "updated_at": record.get("updated_at"),
            "score": result.score, "gaps": [g.as_json() for g in result.gaps],
            "stale": result.stale, "stopped": record.get("status") == "berhenti",
        })
    return rows


def summarize(rows: list[dict], threshold: float, since: str | None = None) -> dict:
    """Overall figures: records, complete, incomplete, stale, stopped, mean score, the score
    distribution in ten bins, and (with `since`) how many were updated since that date."""
    complete = sum(1 for r in rows if r["score"] >= threshold)
    distribution = [0] * BINS
    for row in rows:
        distribution[min(int(row["score"] // (100 / BINS)), BINS - 1)] += 1
    summary = {
        "records": len(rows), "complete": complete, "incomplete": len(rows) - complete,
        "stale": sum(1 for r in rows if r["stale"]), "stopped": sum(1 for r in rows if r["stopped"]),
        "mean_score": round(sum(r["score"] for r in rows) / len(rows), 1) if rows else 0.0,
        "threshold": threshold, "distribution": distribution,
    }
    if since:
        summary["updated_since"] = sum(1 for r in rows if (r["updated_at"] or "")[:10] >= since[:10])
        summary["since"] = since[:10]
    return summary


def _group_keys(row: dict, by: str) -> list[tuple[str, str]]:
    """(key, label) pairs a row counts under; a record with two hubs counts under both."""
    if by == "hub":
        return [(h, h) for h in row["hubs"]] or [("", "(tanpa hub)")]
    if by == "province":
        code = row["province_code"] or ""
        return [(code, row["province"] or "(tanpa wilayah)")]
    if by == "agency":
        return [(row["agency"] or "", row["agency"] or "(tanpa instansi)")]
    year = row["award_year"]
    return [(str(year) if year else "", str(year) if year else "(tanpa penghargaan)")]


SORT_COLUMNS = ("label", "records", "complete", "incomplete", "stale", "stopped", "mean_score")


def group_table(rows: list[dict], by: str, threshold: float, sort: str = "records",
                descending: bool = True) -> list[dict]:
    """One row per hub / province / agency / award year with the campaign figures."""
    if by not in GROUPS:
        raise ParameterError("by", f"by must be one of {', '.join(GROUPS)}")
    if sort not in SORT_COLUMNS:
        raise ParameterError("sort", f"sort must be one of {', '.join(SORT_COLUMNS)}")
    groups: dict[str, dict] = {}
    for row in rows:
        for value, label in _group_keys(row, by):
            group = groups.setdefault(value, {"value": value, "label": label, "rows": []})
            group["rows"].append(row)
    table = []
    for group in groups.values():
        figures = summarize(group.pop("rows"), threshold)
        figures.pop("distribution")
        table.append({**group, **figures})
    table.sort(key=lambda g: (g[sort] if sort != "label" else str(g["label"]).lower()),
               reverse=descending)
    return table


def group_filter(rows: list[dict], by: str | None, value: str | None) -> list[dict]:
    """The rows of one group of a table (drill-down and worklists)."""
    if not by:
        return rows
    if by not in GROUPS:
        raise ParameterError("by", f"by must be one of {', '.join(GROUPS)}")
    return [r for r in rows if (value or "") in [k for k, _ in _group_keys(r, by)]]


def worklist(rows: list[dict], threshold: float, base_url: str = "",
             include_stale: bool = False) -> list[dict]:
    """Incomplete records (score under the threshold; with `include_stale` also the stale
    ones), lowest score first, as flat rows ready to send to agencies."""
    out = []
    for row in sorted(rows, key=lambda r: (r["score"], r["id"])):
        if row["score"] >= threshold and not (include_stale and row["stale"]):
            continue
        out.append({
            "id": row["id"], "title": row["title"] or "", "agency": row["agency"] or "",
            "province": row["province"] or "", "regency": row["regency"] or "",
            "hubs": ", ".join(row["hubs"]), "score": row["score"],
            "required_gaps": sum(1 for g in row["gaps"] if g["level"] == "required"),
            "gaps": "; ".join(f"{g['label']}: {g['reason']}" for g in row["gaps"]),
            "stale": "ya" if row["stale"] else "tidak", "updated_at": (row["updated_at"] or "")[:10],
            "edit_url": f"{base_url}/inovasi/{row['id']}/ubah",
        })
    return out


def worklist_csv(items: list[dict]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Indonesian text right."""
    handle = io.StringIO()
    writer = csv.writer(handle)
    writer.writerow([label for _, label in WORKLIST_COLUMNS])
    for item in items:
        writer.writerow([_safe_cell(item[name]) for name, _ in WORKLIST_COLUMNS])
    return ("\ufeff" + handle.getvalue()).encode("utf-8")


def worklist_xlsx(items: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Daftar kerja"
    sheet.append([label for _, label in WORKLIST_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in items:
        sheet.append([_safe_cell(item[name]) for name, _ in WORKLIST_COLUMNS])
    widths = {"A": 16, "B": 45, "C": 40, "D": 22, "E": 24, "F": 18, "G": 8, "H": 10, "I": 80,
              "J": 10, "K": 14, "L": 40}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


def _safe_cell(value):
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def save_snapshot(db, campaign_id: int | None, summary: dict, user: str) -> int:
    """Keep one scoring run's figures, for progress over time."""
    with db.conn:
        table = db["snapshots"].insert({"campaign_id": campaign_id, "taken_at": now_iso(),
                                        "taken_by": user, "summary": json.dumps(summary)})
    return table.last_pk


def snapshots(db, campaign_id: int | None) -> list[dict]:
    where = "campaign_id = ?" if campaign_id is not None else "campaign_id IS NULL"
    params = [campaign_id] if campaign_id is not None else []
    return [{"taken_at": r["taken_at"], "taken_by": r["taken_by"], **json.loads(r["summary"])}
            for r in db.query(f"SELECT * FROM snapshots WHERE {where} ORDER BY taken_at, id", params)]


def filter_description(query: SearchQuery, agency: str | None = None) -> str:
    """The filters in words, for headings and worklist file names."""
    parts = [f"Kata: {query.q}"] if query.q else []
    for name, values in query.filters.items():
        parts.append(f"{FACET_TITLES.get(name, name)}: {', '.join(facet_label(name, v) for v in values)}")
    if query.year_from or query.year_to:
        parts.append(f"Tahun {query.year_from or ''}-{query.year_to or ''}")
    if agency:
        parts.append(f"Instansi: {agency}")
    return "; ".join(parts) or "semua rekaman"
