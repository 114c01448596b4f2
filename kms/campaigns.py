"""Data-update campaigns: which records a campaign covers, worklists (CSV, XLSX) and snapshots
over time (the figures themselves are SQL over stored scores, in kms.scores)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

from kms.records import now_iso
from kms.scores import Selection
from kms.search.labels import FACET_TITLES, facet_label
from kms.search.query import ParameterError, SearchQuery
from kms.search.service import matching_ids

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
    created_by: str | None = None

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
                    row["deadline"], row.get("created_by"))


def list_campaigns(db, user=None) -> list[Campaign]:
    """Every campaign, or those this account may open (`may_open`)."""
    found = [get_campaign(db, row["id"]) for row in db.query("SELECT id FROM campaigns ORDER BY id DESC")]
    return [c for c in found if user is None or may_open(db, user, c)]


def may_open(db, user, campaign: Campaign) -> bool:
    """A campaign belongs to the scope of the account that created it: admins open every one,
    others those made by themselves or by an account of the same scope (hub, province or
    agency). An account removed since leaves its campaigns to admins."""
    if user.role == "admin" or campaign.created_by == user.name:
        return True
    creator = next(iter(db.query("SELECT role, hub, province, agency FROM users WHERE name = ?",
                                 [campaign.created_by or ""])), None)
    if creator is None or creator["role"] == "admin":
        return False
    return (creator["hub"], creator["province"], creator["agency"]) == (user.hub, user.province, user.agency)


def selection(engine, query: SearchQuery | None, agency: str | None = None,
              scope: tuple[str, tuple] = ("1", ()), min_score=None, max_score=None) -> Selection:
    """The records a campaign figure covers: the shared filters (through the search index), an
    agency name, the account's scope (kms.scores.scope_sql) and a score range."""
    ids = None
    if query is not None and (query.q or query.filters or query.year_from or query.year_to):
        ids = tuple(matching_ids(engine, query))
    return Selection(ids, agency, scope, min_score, max_score)


def worklist_only(include_stale: bool) -> str:
    """The rows a worklist lists (kms.scores.score_rows `only`): the incomplete records, and
    with `include_stale` the stale ones too."""
    return "worklist" if include_stale else "incomplete"


def worklist(rows: list[dict], base_url: str = "") -> list[dict]:
    """Score rows (kms.scores.score_rows, lowest score first) as flat rows ready to send to
    agencies."""
    out = []
    for row in rows:
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
        writer.writerow([safe_cell(item[name]) for name, _ in WORKLIST_COLUMNS])
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
        sheet.append([safe_cell(item[name]) for name, _ in WORKLIST_COLUMNS])
    widths = {"A": 16, "B": 45, "C": 40, "D": 22, "E": 24, "F": 18, "G": 8, "H": 10, "I": 80,
              "J": 10, "K": 14, "L": 40}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


def safe_cell(value):
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
    return "; ".join(parts) or "semua data"
