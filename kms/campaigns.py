"""Data-update campaigns: which records a campaign covers, worklists (CSV, XLSX) and snapshots
over time (the figures themselves are SQL over stored scores, in kms.scores)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from indexer.reference import agency_type_labels, award_labels, category_labels, sdg_labels, urusan_labels
from indexer.textnorm import fold
from kms.records import hub_labels, now_iso
from kms.regionfacts import provinces
from kms.schema import DIGITAL, STAGES, STATUSES
from kms.scores import Selection
from kms.search.labels import FACET_TITLES, facet_label
from kms.search.query import ParameterError, SearchQuery
from kms.search.service import matching_ids

WORKLIST_COLUMNS = [
    ("id", "ID"), ("title", "Judul"), ("agency", "Instansi"), ("unit", "Unit"), ("province", "Provinsi"),
    ("regency", "Kabupaten/Kota"), ("innovator", "Inovator"), ("contact", "Kontak"), ("hubs", "Hub"),
    ("score", "Skor"), ("required_gaps", "Wajib belum lengkap"), ("gaps", "Yang kurang"),
    ("stale", "Belum diperbarui"), ("updated_at", "Terakhir diperbarui"), ("edit_url", "Tautan perbarui"),
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
    closed_at: str | None = None

    @property
    def open(self) -> bool:
        return self.closed_at is None

    def query(self) -> SearchQuery:
        return SearchQuery.from_args(_parse_qs(self.filters), 20)


def _parse_qs(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text or "", keep_blank_values=False)


class CampaignError(ValueError):
    """A campaign form with fields in error: {field: Indonesian message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def checked_campaign(name, filters, threshold, deadline, today: dt.date | None = None) -> dict:
    """The campaign's fields, checked together: every field in error is named at once (the
    form shows each message beside its field). Filters are the shared filter parameters only:
    an unknown key (`foo=bar`) would silently cover every record, so it is refused."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors["name"] = "Nama kampanye wajib diisi (paling banyak 200 karakter)."
    filters = (filters or "").strip().lstrip("?")
    pairs = [(k, v) for k, v in _parse_qs(filters) if v.strip()]
    try:
        query = SearchQuery.from_args(pairs, 20, strict=True)
        filters = urlencode([(k, v) for k, v in query.as_args() if k not in ("sort", "page", "per_page")])
    except ParameterError as exc:
        errors["filters"] = f"Saringan tidak valid: {exc.pesan}."
    try:
        threshold = float(threshold)
        if not 0 <= threshold <= 100:
            raise ValueError(threshold)
    except (TypeError, ValueError):
        errors["threshold"] = "Ambang skor harus angka 0 sampai 100."
    deadline = (deadline or "").strip() or None
    if deadline:
        try:
            if dt.date.fromisoformat(deadline) < (today or dt.date.today()):
                errors["deadline"] = "Tenggat sudah lewat: pilih tanggal hari ini atau sesudahnya."
        except ValueError:
            errors["deadline"] = "Tenggat harus tanggal (TTTT-BB-HH)."
    if errors:
        raise CampaignError(errors)
    return {"name": name, "filters": filters, "threshold": threshold, "deadline": deadline}


def create_campaign(db, name: str, filters: str, threshold, deadline: str | None, user: str) -> int:
    """Store a campaign after checking its fields; raises CampaignError naming each field."""
    fields = checked_campaign(name, filters, threshold, deadline)
    with db.conn:
        table = db["campaigns"].insert({**fields, "starts_on": dt.date.today().isoformat(), "created_by": user,
                                        "created_at": now_iso()})
    return table.last_pk


def update_campaign(db, campaign_id: int, name: str, filters: str, threshold, deadline: str | None) -> None:
    """Change a campaign's name, filters, threshold or deadline (its start date stays)."""
    fields = checked_campaign(name, filters, threshold, deadline)
    with db.conn:
        db["campaigns"].update(campaign_id, fields)


def close_campaign(db, campaign_id: int, closed: bool = True) -> None:
    """Close a campaign (its figures stay readable; it leaves the lists of open campaigns), or
    open it again."""
    with db.conn:
        db["campaigns"].update(campaign_id, {"closed_at": now_iso() if closed else None})


def get_campaign(db, campaign_id: int) -> Campaign | None:
    rows = list(db.query("SELECT * FROM campaigns WHERE id = ?", [campaign_id]))
    if not rows:
        return None
    row = rows[0]
    return Campaign(row["id"], row["name"], row["filters"] or "", row["threshold"], row["starts_on"],
                    row["deadline"], row.get("created_by"), row.get("closed_at"))


def list_campaigns(db, user=None) -> list[Campaign]:
    """Every campaign, or those this account may open (`may_open`)."""
    found = [get_campaign(db, row["id"]) for row in db.query("SELECT id FROM campaigns ORDER BY id DESC")]
    return [c for c in found if user is None or may_open(db, user, c)]


def may_open(db, user, campaign: Campaign) -> bool:
    """A campaign belongs to the scope of the account that created it: admins open every one,
    hub operators those made by themselves or by an account of the same scope (hub, province or
    agency); an agency editor, a data owner, opens any (the figures and lists it sees hold only
    its own records). An account removed since leaves its campaigns to admins."""
    if user.role in ("admin", "agency_editor") or campaign.created_by == user.name:
        return True         # an agency editor sees any campaign, with only its own records in it
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
            "unit": row.get("unit") or "", "innovator": row.get("innovator") or "", "contact": row.get("contact") or "",
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
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Daftar kerja"
    sheet.append([label for _, label in WORKLIST_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    link_column = [name for name, _ in WORKLIST_COLUMNS].index("edit_url") + 1
    for number, item in enumerate(items, start=2):
        sheet.append([safe_cell(item[name]) for name, _ in WORKLIST_COLUMNS])
        if str(item["edit_url"]).startswith(("http://", "https://")):
            cell = sheet.cell(row=number, column=link_column)
            cell.hyperlink = item["edit_url"]
            cell.style = "Hyperlink"
    widths = {"id": 16, "title": 45, "agency": 36, "unit": 36, "province": 22, "regency": 24, "innovator": 24,
              "contact": 28, "hubs": 22, "score": 8, "required_gaps": 10, "gaps": 80, "stale": 10,
              "updated_at": 14, "edit_url": 44}
    for index, (name, _) in enumerate(WORKLIST_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 16)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(WORKLIST_COLUMNS))}{max(1, len(items) + 1)}"
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


def builder_choices(db) -> dict[str, list[tuple[str, str]]]:
    """The filter builder's options: (value, label) per shared filter with a closed list."""
    from_vocabulary = {
        "province": [(f.code, f.name) for f in provinces()],
        "sector": sorted(urusan_labels().items(), key=lambda item: item[1]),
        "award": list(award_labels().items()),
        "agency_type": list(agency_type_labels().items()),
        "category": list(category_labels().items()),
        "sdg": [(str(n), f"{n}. {label}") for n, label in sorted(sdg_labels().items())],
        "stage": [(key, facet_label("stage", key)) for key in STAGES],
        "status": [(key, facet_label("status", key)) for key in STATUSES],
        "digital": [(key, facet_label("digital", key)) for key in DIGITAL],
        "hub": sorted(hub_labels(db).items(), key=lambda item: item[1]),
    }
    return from_vocabulary


def worklist_name(campaign: Campaign | None, by: str | None, value: str | None, fmt: str,
                  today: dt.date | None = None) -> str:
    """daftar-kerja-<campaign>-<group>-<date>.<fmt>: what it is and when, in the file name."""
    parts = ["daftar-kerja", slug(campaign.name) if campaign else "semua-data"]
    if by:
        parts += [by, slug(str(value or "kosong"))]
    parts.append((today or dt.date.today()).isoformat())
    return "-".join(p for p in parts if p) + f".{fmt}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60]
