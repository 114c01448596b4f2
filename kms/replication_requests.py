"""Replication requests, JIPPNas' three steps between two agencies:

  minat          a signed-in agency editor asks to replicate another agency's innovation;
  kesepakatan    the owner's agency editor, or an operator of the owner's hub, accepts with the
                 signed agreement (a PDF kept in dokumen/) and its date, or declines with a reason;
  implementasi   the replicating agency reports the date and evidence, naming its record of the
                 replica or having a draft of it written; the replica then lands in the
                 replication lineage (kms.links, origin `request`) with the three dates.

Who may take each step is answered here (`may_*`), so pages, API and tests ask one place. The
public sees the counts and each request's agencies, stage and dates; messages, reasons and
documents are for the staff of the two sides."""
from __future__ import annotations

import datetime as dt

from indexer.agencies import unit_key
from indexer.normalize import RecordError
from indexer.site_records import add_site_record
from indexer.textnorm import key
from indexer.values import parse_date
from kms.accounts import User, can_edit
from kms.audit import add_audit
from kms.db import rows
from kms.display import tanggal
from kms.links import LinkError, funnel_counts, save_link
from kms.media import DocumentError, store_document
from kms.records import get_record, now_iso

MIN_MESSAGE = 10
MAX_TEXT = 2000
MIN_TITLE = 5
OPEN = ("minat", "kesepakatan")
STATUS_LABELS = {"minat": "Minat diajukan, menunggu kesepakatan", "kesepakatan": "Disepakati, menunggu implementasi",
                 "ditolak": "Ditolak", "implementasi": "Sudah diimplementasikan"}


class RequestError(ValueError):
    """A step refused: {field: Indonesian message}; `status` 400 (bad input) or 409 (the
    request is not at a stage where this step can be taken)."""

    def __init__(self, errors: dict[str, str], status: int = 400):
        super().__init__("; ".join(errors.values()))
        self.errors = errors
        self.status = status


# --- who may do what ---------------------------------------------------------------------

def _of_agency(user: User | None, agency: str | None, unit: str | None = None) -> bool:
    """The account is an editor of this agency (and of this unit, when both name one)."""
    if user is None or user.role != "agency_editor" or not agency:
        return False
    if key(user.agency or "") != key(agency):
        return False
    return not (user.unit and unit) or unit_key(user.unit) == unit_key(unit)


def ask_refusal(db, user: User | None, record: dict) -> str | None:
    """Why this account may not ask to replicate this record; None when it may."""
    if user is None:
        return "Masuk dengan akun editor instansi untuk mengajukan replikasi."
    if user.role != "agency_editor":
        return "Minat replikasi diajukan oleh editor instansi yang akan mereplikasi; akun ini bukan akun instansi."
    if record.get("agency") and key(record["agency"]) == key(user.agency or ""):
        return "Inovasi ini milik instansi Anda sendiri."
    return None


def may_decide(db, user: User | None, request: dict, original: dict | None = None) -> bool:
    """The owner's side: an account that may edit the original (its agency's editor, an
    operator of its hub or province, an admin), never the requester itself."""
    original = original or get_record(db, request["original_id"])
    return (user is not None and original is not None and can_edit(db, user, original)
            and not _of_agency(user, request["requester_agency"]))


def may_report(user: User | None, request: dict) -> bool:
    """The replicating side: an editor of the requesting agency (and unit)."""
    return _of_agency(user, request["requester_agency"], request.get("requester_unit"))


def may_see(db, user: User | None, request: dict, original: dict | None = None) -> bool:
    """The whole request (message, reasons, documents): admins and the staff of both sides."""
    if user is None:
        return False
    return (user.role == "admin" or _of_agency(user, request["requester_agency"])
            or may_decide(db, user, request, original))


# --- the steps ------------------------------------------------------------------------------

def _text(value, field: str, least: int, errors: dict, label: str) -> str:
    value = (value or "").strip()
    if len(value) < least:
        errors[field] = f"{label}: tulis paling sedikit {least} karakter."
    elif len(value) > MAX_TEXT:
        errors[field] = f"{label}: paling banyak {MAX_TEXT} karakter."
    return value


def _past_date(value, field: str, errors: dict, label: str, not_before: str | None = None,
               before_label: str = "") -> str | None:
    text = (value or "").strip()
    if not text:
        errors[field] = f"{label}: wajib diisi."
        return None
    date = parse_date(text)
    if date is None:
        errors[field] = f"{label}: '{text}' bukan tanggal (tulis mis. 2026-11-30 atau 30 November 2026)."
    elif date > dt.date.today().isoformat():
        errors[field] = f"{label}: tanggal {tanggal(date)} belum tiba."
    elif not_before and date < not_before:
        errors[field] = f"{label}: {tanggal(date)} lebih awal dari {before_label} ({tanggal(not_before)})."
    return date


def _audit(db, record_id: str, user: str, when: str, request: dict, after: str) -> None:
    add_audit(db, record_id, user, when, "replication", None, f"permintaan replikasi no. {request['id']}: {after}")


def ask(db, record: dict, user: User, message: str) -> int:
    """minat: a new request from the account's agency; answers its number."""
    refusal = ask_refusal(db, user, record)
    if refusal:
        raise RequestError({"user": refusal}, 403)
    errors: dict = {}
    message = _text(message, "message", MIN_MESSAGE, errors, "Pesan")
    if errors:
        raise RequestError(errors)
    other = own_request(db, record["id"], user)
    if other is not None:
        raise RequestError({"message": f"Instansi Anda sudah mengajukan permintaan no. {other['id']} untuk "
                                       f"inovasi ini ({STATUS_LABELS[other['status']].lower()})."}, 409)
    when = now_iso()
    with db.conn:
        cursor = db.execute(
            "INSERT INTO replication_requests (original_id, requester_agency, requester_unit, requested_by, message, "
            "status, minat_at, updated_at) VALUES (?, ?, ?, ?, ?, 'minat', ?, ?)",
            [record["id"], user.agency, user.unit, user.name, message, when, when])
        request = {"id": cursor.lastrowid}
        _audit(db, record["id"], user.name, when, request, f"minat dari {user.agency}")
    return cursor.lastrowid


def own_request(db, record_id: str, user: User | None, found: list[dict] | None = None) -> dict | None:
    """The account's agency's request for this record that is still open or was implemented
    (a declined one does not count: the agency may ask again). `found`: the record's requests,
    when the caller has read them already."""
    for other in reversed(requests_of_record(db, record_id) if found is None else found):
        if other["status"] != "ditolak" and _of_agency(user, other["requester_agency"], other["requester_unit"]):
            return other
    return None


def _at_stage(db, request_id: int, status: str) -> dict:
    request = get_request(db, request_id)
    if request is None:
        raise RequestError({"request": f"Tidak ada permintaan replikasi no. {request_id}."}, 404)
    if request["status"] != status:
        raise RequestError({"request": stage_message(request)}, 409)
    return request


def stage_message(request: dict) -> str:
    """Why a step can no longer be taken: what happened to the request, by whom and when."""
    number, status = request["id"], request["status"]
    if status == "ditolak":
        return f"Permintaan no. {number} sudah ditolak oleh {request['decided_by']} pada {tanggal(request['decided_at'])}."
    if status == "kesepakatan":
        return (f"Permintaan no. {number} sudah disepakati oleh {request['decided_by']} pada "
                f"{tanggal(request['decided_at'])}; kini menunggu laporan implementasi.")
    if status == "implementasi":
        return (f"Implementasi permintaan no. {number} sudah dilaporkan oleh {request['implemented_by']} pada "
                f"{tanggal(request['implemented_at'])}.")
    return f"Permintaan no. {number} belum disepakati; implementasi dilaporkan setelah kesepakatan."


def accept(db, request_id: int, user: User, agreement_date, agreement: bytes, note: str, config) -> None:
    """kesepakatan: the owner accepts, with the signed agreement (PDF) and its date."""
    request = _at_stage(db, request_id, "minat")
    if not may_decide(db, user, request):
        raise RequestError({"user": "Hanya pemilik inovasi (editor instansinya atau operator hubnya) yang memutuskan."}, 403)
    errors: dict = {}
    date = _past_date(agreement_date, "agreement_date", errors, "Tanggal kesepakatan", request["minat_at"][:10],
                      "tanggal minat diajukan")
    note = (note or "").strip()[:MAX_TEXT]
    if not agreement:
        errors["agreement"] = "Dokumen kesepakatan: unggah PDF yang sudah ditandatangani kedua pihak."
    if errors:
        raise RequestError(errors)
    try:
        stored = store_document(config, "kesepakatan", f"permintaan-{request_id}", agreement, "Dokumen kesepakatan")
    except DocumentError as exc:
        raise RequestError({"agreement": str(exc)}) from None
    when = now_iso()
    with db.conn:
        db.execute("UPDATE replication_requests SET status = 'kesepakatan', decided_by = ?, decided_at = ?, "
                   "decision_note = ?, agreement_file = ?, agreement_date = ?, updated_at = ? WHERE id = ?",
                   [user.name, when, note or None, stored, date, when, request_id])
        _audit(db, request["original_id"], user.name, when, request,
               f"kesepakatan dengan {request['requester_agency']} tanggal {date}")


def decline(db, request_id: int, user: User, reason: str) -> None:
    """The owner declines, saying why."""
    request = _at_stage(db, request_id, "minat")
    if not may_decide(db, user, request):
        raise RequestError({"user": "Hanya pemilik inovasi (editor instansinya atau operator hubnya) yang memutuskan."}, 403)
    errors: dict = {}
    reason = _text(reason, "reason", MIN_MESSAGE, errors, "Alasan penolakan")
    if errors:
        raise RequestError(errors)
    when = now_iso()
    with db.conn:
        db.execute("UPDATE replication_requests SET status = 'ditolak', decided_by = ?, decided_at = ?, "
                   "decision_note = ?, updated_at = ? WHERE id = ?", [user.name, when, reason, when, request_id])
        _audit(db, request["original_id"], user.name, when, request, f"minat dari {request['requester_agency']} ditolak")


def report(db, request_id: int, user: User, implementation_date, evidence: str, replica_id: str = "",
           draft_title: str = "", evidence_pdf: bytes = b"", config=None, existing: bool | None = None) -> str:
    """implementasi: the replicating agency reports; `replica_id` names one of its records
    (`existing`), or `draft_title` has a draft record written for the replica. Answers the
    replica's id."""
    request = _at_stage(db, request_id, "kesepakatan")
    if not may_report(user, request):
        raise RequestError({"user": "Hanya editor instansi yang mengajukan permintaan ini yang melaporkan implementasi."}, 403)
    original = get_record(db, request["original_id"])
    errors: dict = {}
    date = _past_date(implementation_date, "implementation_date", errors, "Tanggal implementasi",
                      request["agreement_date"], "tanggal kesepakatan")
    evidence = _text(evidence, "evidence", MIN_MESSAGE, errors, "Bukti implementasi")
    replica_id, draft_title = (replica_id or "").strip(), (draft_title or "").strip()
    existing = bool(replica_id) if existing is None else existing
    replica = None
    if existing and not replica_id:
        errors["replica_id"] = "Pilih entri inovasi replika milik instansi Anda, atau pilih membuat draf."
    elif existing:
        replica = get_record(db, replica_id)
        if replica is None or replica_id == request["original_id"]:
            errors["replica_id"] = "Pilih entri inovasi replika milik instansi Anda."
        elif not can_edit(db, user, replica):
            errors["replica_id"] = "Entri itu bukan milik instansi Anda; pilih entri Anda sendiri atau buat draf."
    elif len(draft_title) < MIN_TITLE:
        errors["draft_title"] = f"Judul draf: tulis paling sedikit {MIN_TITLE} karakter, atau pilih entri yang sudah ada."
    elif len(draft_title) > 300:
        errors["draft_title"] = "Judul draf: paling banyak 300 karakter."
    stored = None
    if evidence_pdf and not errors:
        try:
            stored = store_document(config, "implementasi", f"permintaan-{request_id}", evidence_pdf, "Dokumen bukti")
        except DocumentError as exc:
            errors["evidence_pdf"] = str(exc)
    if errors:
        raise RequestError(errors)
    when = now_iso()
    with db.conn:
        if replica is None:
            try:
                replica_id = add_site_record(db, f"replikasi-{request_id}", _draft(original, request, draft_title, date),
                                             f"permintaan replikasi no. {request_id}")
            except RecordError as exc:
                raise RequestError({"draft_title": f"Draf tidak dapat dibuat: {exc}"}) from None
        dates = {"minat": request["minat_at"][:10], "kesepakatan": request["agreement_date"], "implementasi": date}
        try:
            link_id, _outcome = save_link(db, request["original_id"], replica_id, origin="request", status="confirmed",
                                          stage="implementasi", dates=dates, original_agency=original.get("agency"),
                                          original_unit=original.get("unit"), replica_agency=request["requester_agency"],
                                          replica_unit=request["requester_unit"], user=user.name)
        except LinkError as exc:
            raise RequestError({"replica_id": str(exc)}, 409) from None
        db.execute("UPDATE replication_requests SET status = 'implementasi', implemented_by = ?, implemented_at = ?, "
                   "implementation_date = ?, evidence = ?, evidence_file = ?, replica_id = ?, link_id = ?, updated_at = ? "
                   "WHERE id = ?", [user.name, when, date, evidence, stored, replica_id, link_id, when, request_id])
        _audit(db, request["original_id"], user.name, when, request,
               f"diimplementasikan oleh {request['requester_agency']} ({replica_id}) tanggal {date}")
        _audit(db, replica_id, user.name, when, request, f"replika dari {request['original_id']} tanggal {date}")
    return replica_id


def _draft(original: dict, request: dict, title: str, date: str) -> dict:
    """The replica's first draft: what the request knows; the agency completes the rest."""
    return {"title": title, "agency": request["requester_agency"], "unit": request["requester_unit"] or "",
            "year": date[:4], "start_year": date[:4], "stage": "penerapan", "category": original.get("category") or "",
            "sector": original.get("sector") or "", "sdgs": ", ".join(str(n) for n in original.get("sdgs") or []),
            "summary": f"Replikasi dari inovasi \u201c{original.get('title')}\u201d ({original.get('agency') or 'instansi asal'}), "
                       f"disepakati pada {tanggal(request['agreement_date'])} dan diterapkan sejak {tanggal(date)}."}


# --- reading ----------------------------------------------------------------------------------

def get_request(db, request_id: int) -> dict | None:
    found = list(rows(db, "SELECT * FROM replication_requests WHERE id = ?", [request_id]))
    return found[0] if found else None


def requests_of_record(db, record_id: str) -> list[dict]:
    """Requests to replicate this record, oldest first."""
    return list(rows(db, "SELECT * FROM replication_requests WHERE original_id = ? ORDER BY id", [record_id]))


def every_request(db) -> list[dict]:
    """Every request with its innovation's title and agency, newest first (requests are few:
    one per pair of agencies and innovation)."""
    return list(rows(db, "SELECT r.*, i.title AS original_title, i.agency AS original_agency FROM replication_requests r "
                         "LEFT JOIN innovations i ON i.id = r.original_id ORDER BY r.updated_at DESC, r.id DESC"))


def public_request(request: dict) -> dict:
    """What anyone may read of a request: the two agencies, the stage and the dates."""
    return {"id": request["id"], "original_id": request["original_id"], "requester_agency": request["requester_agency"],
            "requester_unit": request["requester_unit"], "status": request["status"],
            "dates": {"minat": request["minat_at"][:10], "kesepakatan": request["agreement_date"],
                      "implementasi": request["implementation_date"]},
            "declined": request["status"] == "ditolak", "replica_id": request["replica_id"]}


def counts(db, record_id: str, views: int) -> dict[str, int]:
    """Dilihat, Minat, Kesepakatan, Replikasi: requests by the stage they reached, plus the
    confirmed links hubs and staff recorded (kms.links.funnel_counts) by theirs."""
    reached = dict(db.execute("SELECT status, COUNT(*) FROM replication_requests WHERE original_id = ? GROUP BY status",
                              [record_id]).fetchall())
    links = funnel_counts(db, record_id)
    implemented = reached.get("implementasi", 0)
    agreed = implemented + reached.get("kesepakatan", 0)
    return {"dilihat": views, "minat": agreed + reached.get("minat", 0) + reached.get("ditolak", 0) + links["minat"],
            "kesepakatan": agreed + links["kesepakatan"], "replikasi": implemented + links["implementasi"]}


def awaiting(db, user: User) -> dict[str, list[dict]]:
    """The account's requests: `decide` (asked of records it answers for, waiting for its
    decision), `report` (agreed, waiting for its agency's implementation report), `incoming`
    and `outgoing` (all of them, either side)."""
    out: dict[str, list[dict]] = {"decide": [], "report": [], "incoming": [], "outgoing": []}
    originals: dict[str, dict | None] = {}
    for request in every_request(db):
        if request["original_id"] not in originals:
            originals[request["original_id"]] = get_record(db, request["original_id"])
        original = originals[request["original_id"]]
        if may_decide(db, user, request, original):
            out["incoming"].append(request)
            if request["status"] == "minat":
                out["decide"].append(request)
        if _of_agency(user, request["requester_agency"]):
            out["outgoing"].append(request)
            if request["status"] == "kesepakatan" and may_report(user, request):
                out["report"].append(request)
    return out
