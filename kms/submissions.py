"""Innovators' submissions to their hub (/ajukan), the Sulsel hub's rules: a form with every
canonical field and KIPP section, saved as a draft at any time; "Kirim" refuses a submission
with any required field missing or weak under the completeness rules, naming each; at most the
hub's `max_submissions` (10 unless its mapping says otherwise) sent per innovator per year.
Photos (checked and re-encoded) and evidence PDFs are kept in dokumen/, seen only by the
innovator, the hub's operators and admins until the hub publishes the submission; publishing
makes it a source of the innovator's hub (`ajuan-<n>`, indexer.site_records) with its photos
copied to the public media/ folder, so it is searched, scored and scoped like the hub's rows."""
from __future__ import annotations

import datetime as dt
import json

from indexer.mapping import MAX_SUBMISSIONS, MappingError, hub_mapping, mapping_from_text
from indexer.normalize import RecordError
from indexer.site_records import SUBMISSION_PREFIX, add_site_record, normalized
from kms.accounts import User
from kms.activity import log
from kms.audit import add_audit
from kms.completeness import Rules, check_record
from kms.db import rows
from kms.media import DocumentError, publish_file, store_document, store_photo
from kms.records import now_iso, remembered_mapping
from kms.schema import SECTIONS

STATUS_LABELS = {"draft": "Draf", "submitted": "Terkirim, menunggu hub", "published": "Terbit"}
FORM_ORDER = ("title", "agency", "region", "year", "start_year", *SECTIONS, "unit", "innovator", "contact")
MAX_PHOTOS = 8
MAX_DOCUMENTS = 6
FILE_KINDS = ("photo", "document")


class SubmissionError(ValueError):
    """A step refused: {field: Indonesian message}; `status` 400, 403 or 409."""

    def __init__(self, errors: dict[str, str], status: int = 400):
        super().__init__("; ".join(errors.values()))
        self.errors = errors
        self.status = status


def max_submissions(db, hub: str) -> int:
    """The hub's limit: its bundled mapping's `max_submissions`, else the one it was last
    ingested with, else MAX_SUBMISSIONS."""
    try:
        return hub_mapping(hub).max_submissions
    except MappingError:
        kept = remembered_mapping(db, hub)
        try:
            return mapping_from_text(kept[1], kept[0]).max_submissions if kept else MAX_SUBMISSIONS
        except MappingError:
            return MAX_SUBMISSIONS


# --- who may do what --------------------------------------------------------------------

def may_see(user: User | None, submission: dict) -> bool:
    """The innovator, the hub's operators (by hub) and admins."""
    if user is None:
        return False
    return (user.role == "admin" or (user.role == "innovator" and user.name == submission["innovator"])
            or (user.role == "hub_operator" and user.hub == submission["hub"]))


def may_edit(user: User | None, submission: dict) -> bool:
    return user is not None and user.role == "innovator" and user.name == submission["innovator"] \
        and submission["status"] == "draft"


def may_publish(user: User | None, submission: dict) -> bool:
    return user is not None and (user.role == "admin" or (user.role == "hub_operator" and user.hub == submission["hub"]))


# --- reading ------------------------------------------------------------------------------

def _decoded(row: dict) -> dict:
    return {**row, "fields": json.loads(row["fields"] or "{}"), "files": json.loads(row["files"] or "[]")}


def get_submission(db, number: int) -> dict | None:
    found = list(rows(db, "SELECT * FROM submissions WHERE id = ?", [number]))
    return _decoded(found[0]) if found else None


def submissions_for(db, user: User) -> list[dict]:
    """What the account may see: its own (innovator), its hub's (operator of a hub), all
    (admin); sent ones first, newest first."""
    sql = "SELECT * FROM submissions"
    params: list = []
    if user.role == "innovator":
        sql, params = sql + " WHERE innovator = ?", [user.name]
    elif user.role == "hub_operator":
        sql, params = sql + " WHERE hub = ?", [user.hub or ""]
    elif user.role != "admin":
        return []
    order = " ORDER BY status = 'submitted' DESC, updated_at DESC, id DESC"
    return [_decoded(row) for row in rows(db, sql + order, params)]


def sent_this_year(db, innovator: str, year: int) -> int:
    return db.execute("SELECT COUNT(*) FROM submissions WHERE innovator = ? AND status != 'draft' "
                      "AND substr(submitted_at, 1, 4) = ?", [innovator, str(year)]).fetchone()[0]


def raw_data(submission: dict) -> dict:
    """The submission as a source row (canonical field names): what was typed, the agency and
    unit of the account, and the photos' paths once published."""
    data = {name: value for name, value in submission["fields"].items() if value not in (None, "", [])}
    if isinstance(data.get("sdgs"), list):
        data["sdgs"] = ", ".join(str(n) for n in data["sdgs"])
    data["agency"] = submission["agency"]
    data["unit"] = data.get("unit") or submission["unit"] or ""
    return data


def as_record(submission: dict) -> dict:
    """What the store would hold for it (region from the agency, values normalized), for the
    completeness check; RecordError when a field cannot be read."""
    found = normalized(raw_data(submission), submission["hub"], f"{SUBMISSION_PREFIX}{submission['id']}")
    photos = [f["name"] for f in submission["files"] if f["kind"] == "photo"]
    return {**found.fields, "photos": photos or found.fields.get("photos") or [],
            "updated_at": dt.date.today().isoformat()}


def required_gaps(submission: dict, rules: Rules) -> list:
    """Required fields missing or weak under the rules (what "Kirim" refuses)."""
    order = {name: n for n, name in enumerate(FORM_ORDER)}
    gaps = [gap for gap in check_record(as_record(submission), rules).gaps if gap.level == "required"]
    return sorted(gaps, key=lambda gap: order.get(gap.field, len(order)))


# --- the steps ------------------------------------------------------------------------------

def create(db, user: User, values: dict) -> int:
    """A new draft of the innovator's."""
    if user.role != "innovator":
        raise SubmissionError({"user": "Hanya akun inovator yang mengajukan inovasi."}, 403)
    when = now_iso()
    with db.conn:
        cursor = db.execute(
            "INSERT INTO submissions (hub, innovator, agency, unit, status, fields, files, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'draft', ?, '[]', ?, ?)",
            [user.hub, user.name, user.agency, user.unit, json.dumps(values, ensure_ascii=False), when, when])
        log(db, "submission", cursor.lastrowid, user.name, "draf dibuat")
    return cursor.lastrowid


def _editable(db, number: int, user: User) -> dict:
    submission = get_submission(db, number)
    if submission is None:
        raise SubmissionError({"submission": f"Tidak ada ajuan no. {number}."}, 404)
    if not may_see(user, submission):
        raise SubmissionError({"user": "Ajuan ini bukan milik akun Anda."}, 403)
    if not may_edit(user, submission):
        raise SubmissionError({"submission": f"Ajuan no. {number} sudah {STATUS_LABELS[submission['status']].lower()}; "
                                             "isinya tidak dapat diubah lagi."}, 409)
    return submission


def save(db, number: int, user: User, values: dict) -> None:
    """Keep what was typed in the draft."""
    _editable(db, number, user)
    with db.conn:
        db.execute("UPDATE submissions SET fields = ?, updated_at = ? WHERE id = ?",
                   [json.dumps(values, ensure_ascii=False), now_iso(), number])
        log(db, "submission", number, user.name, "draf disimpan")


def submit(db, number: int, user: User, rules: Rules, today: dt.date | None = None) -> None:
    """Send the draft to the hub; refused, naming each field, while a required one is missing or
    weak, or when the innovator has sent the hub's limit this year."""
    submission = _editable(db, number, user)
    today = today or dt.date.today()
    limit = max_submissions(db, submission["hub"])
    if sent_this_year(db, user.name, today.year) >= limit:
        raise SubmissionError({"submission": f"Anda sudah mengirim {limit} ajuan pada {today.year}, batas hub ini "
                                             "per inovator per tahun. Draf tetap tersimpan."}, 409)
    try:
        gaps = required_gaps(submission, rules)
    except RecordError as exc:
        raise SubmissionError({"submission": f"Ajuan tidak dapat dibaca: {exc}"}) from None
    if gaps:
        raise SubmissionError({gap.field: f"{gap.label}: {gap.reason} (wajib)" for gap in gaps})
    when = now_iso()
    with db.conn:
        db.execute("UPDATE submissions SET status = 'submitted', submitted_at = ?, updated_at = ? WHERE id = ?",
                   [when, when, number])
        log(db, "submission", number, user.name, "dikirim ke hub")


def add_file(db, number: int, user: User, kind: str, data: bytes, filename: str, config, public: bool = False) -> dict:
    """A photo or an evidence PDF for the draft (a document `public` is shown to everyone once
    the submission is published; otherwise it stays with the hub)."""
    submission = _editable(db, number, user)
    if kind not in FILE_KINDS:
        raise SubmissionError({"file": "Pilih jenis berkas: foto atau dokumen."})
    files = submission["files"]
    most = MAX_PHOTOS if kind == "photo" else MAX_DOCUMENTS
    if sum(1 for f in files if f["kind"] == kind) >= most:
        raise SubmissionError({"file": f"Paling banyak {most} {'foto' if kind == 'photo' else 'dokumen'} per ajuan."})
    label = "".join(c for c in (filename or "")[-120:] if c.isprintable()).strip() or kind
    try:
        if kind == "photo":
            kept = store_photo(config, f"ajuan/{number}", data, "Foto")
        else:
            kept = {"name": store_document(config, f"ajuan/{number}", "bukti", data, "Dokumen bukti")}
    except DocumentError as exc:
        raise SubmissionError({"file": str(exc)}) from None
    entry = {"kind": kind, "label": label, **kept, "public": kind == "photo" or bool(public)}
    files = [f for f in files if f["name"] != entry["name"]] + [entry]
    with db.conn:
        db.execute("UPDATE submissions SET files = ?, updated_at = ? WHERE id = ?",
                   [json.dumps(files, ensure_ascii=False), now_iso(), number])
        log(db, "submission", number, user.name, "berkas ditambahkan", f"{'foto' if kind == 'photo' else 'dokumen'} {label}")
    return entry


def remove_file(db, number: int, user: User, index: int) -> None:
    submission = _editable(db, number, user)
    files = submission["files"]
    if not 0 <= index < len(files):
        raise SubmissionError({"file": "Berkas itu tidak ada."}, 404)
    removed = files.pop(index)
    with db.conn:
        db.execute("UPDATE submissions SET files = ?, updated_at = ? WHERE id = ?",
                   [json.dumps(files, ensure_ascii=False), now_iso(), number])
        log(db, "submission", number, user.name, "berkas dihapus", removed.get("label", ""))


def publish(db, number: int, user: User, config) -> str:
    """The hub publishes a sent submission: its photos go public, and it becomes a source of the
    hub (merged with the record it duplicates, if any). Answers the record id."""
    submission = get_submission(db, number)
    if submission is None:
        raise SubmissionError({"submission": f"Tidak ada ajuan no. {number}."}, 404)
    if not may_publish(user, submission):
        raise SubmissionError({"user": "Hanya operator hub tujuan ajuan (atau admin) yang menerbitkan."}, 403)
    if submission["status"] != "submitted":
        raise SubmissionError({"submission": f"Ajuan no. {number} berstatus {STATUS_LABELS[submission['status']].lower()}; "
                                             "hanya ajuan yang sudah dikirim yang diterbitkan."}, 409)
    photos = [publish_file(config, f["name"], f"ajuan-{number}") for f in submission["files"] if f["kind"] == "photo"]
    files = [{**f, "published": publish_file(config, f["name"], f"ajuan-{number}")} if f["kind"] == "document"
             and f.get("public") else f for f in submission["files"]]
    data = raw_data(submission)
    if photos:
        data["photos"] = photos
    when = now_iso()
    with db.conn:
        try:
            record_id = add_site_record(db, f"{SUBMISSION_PREFIX}{number}", data, f"ajuan no. {number}",
                                        hub=submission["hub"], merge=True)
        except RecordError as exc:
            raise SubmissionError({"submission": f"Ajuan tidak dapat diterbitkan: {exc}"}) from None
        db.execute("UPDATE submissions SET status = 'published', published_at = ?, published_by = ?, record_id = ?, "
                   "files = ?, updated_at = ? WHERE id = ?",
                   [when, user.name, record_id, json.dumps(files, ensure_ascii=False), when, number])
        add_audit(db, record_id, user.name, when, "submission", None,
                  f"ajuan no. {number} dari {submission['innovator']} diterbitkan")
        log(db, "submission", number, user.name, "diterbitkan", record_id)
    return record_id


def public_documents(db, record_id: str) -> list[dict]:
    """The documents published submissions of this record marked public: [{label, url}]."""
    out = []
    for row in rows(db, "SELECT files FROM submissions WHERE record_id = ? AND status = 'published' ORDER BY id",
                    [record_id]):
        out += [{"label": f["label"], "url": "/" + f["published"]} for f in json.loads(row["files"] or "[]")
                if f["kind"] == "document" and f.get("published")]
    return out
