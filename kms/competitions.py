"""Hub competitions in stages (the Sulsel hub's selection, after KIPP): an operator opens one
for its hub (name, year, submission window, the stages of a template in data/competitions/
with their pass rules), names its panelists, and starts scoring: the submissions sent to the
hub within the window are the entries. Panelists score the entries of the open stage per
indicator with a comment, never those of their own agency; closing a stage locks its scores and
moves on the entries its pass rule keeps. When the last stage is closed the operator publishes:
the entries that passed it win the competition's award (kms.awards), their submissions are
published as records if they were not yet, and each innovator sees their scores and comments.

Totals: a checklist stage passes an entry when most of its panelists pass every indicator; a
score stage's total is, over the entry's panelists, the mean of each panelist's weighted mean
of indicator scores as a share of the highest score, on 0-100 (9 of 10 is 90)."""
from __future__ import annotations

import datetime as dt
import io
import json
import statistics
import tomllib
from dataclasses import dataclass
from pathlib import Path

from indexer.textnorm import key
from kms import submissions
from kms.awards import tier_label, tiers
from kms.accounts import User
from kms.activity import log
from kms.audit import add_audit
from kms.config import ROOT
from kms.db import rows
from kms.records import add_award, now_iso

TEMPLATES_DIR = ROOT / "data" / "competitions"
STATUSES = {"open": "Menerima ajuan", "scoring": "Penilaian", "closed": "Penilaian selesai", "published": "Hasil terbit"}
OUTLIER_POINTS = 20.0     # a panelist's total this far (0-100) from the entry's median is flagged


class CompetitionError(ValueError):
    """A step refused: {field: Indonesian message}; `status` 400, 403, 404 or 409."""

    def __init__(self, errors: dict[str, str], status: int = 400):
        super().__init__("; ".join(errors.values()))
        self.errors = errors
        self.status = status


# --- templates ----------------------------------------------------------------------------

def templates() -> dict[str, dict]:
    """Every stage template in data/competitions/, by file stem."""
    found = {}
    for path in sorted(TEMPLATES_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        found[path.stem] = {"name": data["name"], "label": data.get("label", data["name"]),
                            "stages": [_stage(stage, path) for stage in data["stage"]]}
    return found


def _stage(data: dict, path: Path) -> dict:
    kind = data.get("kind")
    if kind not in ("checklist", "score") or not data.get("indicator"):
        raise ValueError(f"{path}: tahap {data.get('key')}: kind harus checklist atau score, dengan indikator")
    indicators = [{"key": i["key"], "label": i["label"], "weight": float(i.get("weight", 1))} for i in data["indicator"]]
    stage = {"key": data["key"], "label": data["label"], "kind": kind, "indicators": indicators,
             "min": float(data.get("min", 0)), "max": float(data.get("max", 1))}
    if kind == "score":
        stage["top"], stage["threshold"] = data.get("top"), data.get("threshold")
    return stage


# --- who may do what --------------------------------------------------------------------

def may_manage(user: User | None, competition: dict) -> bool:
    return user is not None and (user.role == "admin" or (user.role == "hub_operator" and user.hub == competition["hub"]))


def is_panelist(db, user: User | None, competition: dict) -> bool:
    return user is not None and user.role == "panelist" and user.name in panelists(db, competition["id"])


def conflict(user: User, submission: dict) -> bool:
    """A panelist of the entry's own agency (never scores it, never sees it)."""
    return of_agency(user.agency, submission)


def of_agency(agency: str | None, submission: dict) -> bool:
    """Whether a panelist of `agency` is of the entry's agency (compared folded)."""
    return key(agency or "") == key(submission["agency"] or "")


# --- reading --------------------------------------------------------------------------------

def _decoded(row: dict) -> dict:
    return {**row, "stages": json.loads(row["stages"])}


def get_competition(db, number: int) -> dict | None:
    found = list(rows(db, "SELECT * FROM competitions WHERE id = ?", [number]))
    return _decoded(found[0]) if found else None


def competitions_for(db, user: User | None) -> list[dict]:
    """Published ones for everybody; a hub's all for its operators; assigned ones for panelists."""
    found = [_decoded(r) for r in rows(db, "SELECT * FROM competitions ORDER BY year DESC, id DESC")]
    return [c for c in found if c["status"] == "published" or may_manage(user, c) or is_panelist(db, user, c)]


def panelists(db, competition_id: int) -> list[str]:
    return [r["panelist"] for r in rows(db, "SELECT panelist FROM competition_panelists WHERE competition_id = ? "
                                             "ORDER BY panelist", [competition_id])]


def entries(db, competition_id: int) -> list[dict]:
    """Entries with their submissions, best first once ranked."""
    found = []
    for row in rows(db, "SELECT * FROM competition_entries WHERE competition_id = ? ORDER BY rank IS NULL, rank, "
                        "submission_id", [competition_id]):
        found.append({**row, "submission": submissions.get_submission(db, row["submission_id"])})
    return found


def scores(db, competition_id: int, stage: int, submission_id: int | None = None,
           panelist: str | None = None) -> list[dict]:
    sql = "SELECT * FROM competition_scores WHERE competition_id = ? AND stage = ?"
    params: list = [competition_id, stage]
    if submission_id is not None:
        sql, params = sql + " AND submission_id = ?", params + [submission_id]
    if panelist is not None:
        sql, params = sql + " AND panelist = ?", params + [panelist]
    return list(rows(db, sql + " ORDER BY submission_id, panelist, indicator", params))


# --- totals -----------------------------------------------------------------------------------

def panelist_total(stage: dict, values: dict[str, float]) -> float | None:
    """One panelist's total for one entry: checklist -> 100 when every indicator passes, else
    0; score -> weighted mean of the indicators as a share of the highest score, on 0-100.
    None until every indicator is scored."""
    if any(i["key"] not in values for i in stage["indicators"]):
        return None
    if stage["kind"] == "checklist":
        return 100.0 if all(values[i["key"]] >= 1 for i in stage["indicators"]) else 0.0
    weight = sum(i["weight"] for i in stage["indicators"])
    mean = sum(i["weight"] * values[i["key"]] for i in stage["indicators"]) / weight
    return round(100 * mean / stage["max"], 2)


@dataclass
class EntryResult:
    submission_id: int
    by_panelist: dict[str, float]          # complete totals only
    total: float | None
    spread: float | None
    outliers: list[str]
    passes: bool = False


def stage_results(db, competition: dict, stage_index: int, found: list[dict] | None = None) -> list[EntryResult]:
    """Each entry of the stage: the panelists' totals, the mean, the spread, the outliers;
    ordered best first (checklist: passing first). `found`: the competition's entries, when
    the caller has read them already."""
    stage = competition["stages"][stage_index]
    by_entry: dict[int, dict[str, dict[str, float]]] = {}
    for row in scores(db, competition["id"], stage_index):
        by_entry.setdefault(row["submission_id"], {}).setdefault(row["panelist"], {})[row["indicator"]] = row["value"]
    results = []
    for entry in entries(db, competition["id"]) if found is None else found:
        if entry["reached"] < stage_index:
            continue
        totals = {name: total for name, values in by_entry.get(entry["submission_id"], {}).items()
                  if (total := panelist_total(stage, values)) is not None}
        total = round(statistics.fmean(totals.values()), 2) if totals else None
        median = statistics.median(totals.values()) if totals else None
        results.append(EntryResult(
            entry["submission_id"], totals, total,
            round(max(totals.values()) - min(totals.values()), 2) if totals else None,
            [name for name, value in totals.items() if len(totals) > 2 and abs(value - median) >= OUTLIER_POINTS]))
    if stage["kind"] == "checklist":
        for result in results:
            passing = sum(1 for value in result.by_panelist.values() if value >= 100)
            result.passes = bool(result.by_panelist) and passing * 2 > len(result.by_panelist)
        return sorted(results, key=lambda r: (not r.passes, r.submission_id))
    ranked = sorted(results, key=lambda r: (r.total is None, -(r.total or 0), r.submission_id))
    for place, result in enumerate(ranked):
        if result.total is None:
            continue
        if stage.get("threshold") is not None:
            result.passes = result.total >= float(stage["threshold"])
        else:
            result.passes = place < int(stage.get("top") or len(ranked))
    return ranked


# --- the steps ------------------------------------------------------------------------------

def _manageable(db, number: int, user: User) -> dict:
    competition = get_competition(db, number)
    if competition is None:
        raise CompetitionError({"competition": f"Tidak ada kompetisi no. {number}."}, 404)
    if not may_manage(user, competition):
        raise CompetitionError({"user": "Kompetisi dikelola operator hubnya dan admin."}, 403)
    return competition


def _date(value, field: str, label: str, errors: dict) -> str | None:
    try:
        return dt.date.fromisoformat((value or "").strip()).isoformat()
    except ValueError:
        errors[field] = f"{label}: tulis tanggal (mis. 2026-01-31)."
        return None


def create(db, user: User, form: dict) -> int:
    """A competition of the operator's hub, from the form: name, year, opens_on, closes_on,
    template, award tier, and per stage `top_<key>` or `threshold_<key>`."""
    if user.role not in ("admin", "hub_operator") or (user.role == "hub_operator" and not user.hub):
        raise CompetitionError({"user": "Kompetisi dibuka operator hub (atau admin)."}, 403)
    errors: dict[str, str] = {}
    name = (form.get("name") or "").strip()
    if not 3 <= len(name) <= 200:
        errors["name"] = "Nama kompetisi: 3 sampai 200 karakter."
    hub = user.hub if user.role == "hub_operator" else (form.get("hub") or "").strip()
    if not hub:
        errors["hub"] = "Pilih hub penyelenggara."
    year = (form.get("year") or "").strip()
    if not (year.isdigit() and 2014 <= int(year) <= dt.date.today().year + 1):
        errors["year"] = f"Tahun: 2014 sampai {dt.date.today().year + 1}."
    opens, closes = (_date(form.get("opens_on"), "opens_on", "Ajuan dibuka", errors),
                     _date(form.get("closes_on"), "closes_on", "Ajuan ditutup", errors))
    if opens and closes and closes < opens:
        errors["closes_on"] = "Ajuan ditutup tidak boleh sebelum ajuan dibuka."
    template = templates().get(form.get("template") or "")
    if template is None:
        errors["template"] = "Pilih susunan tahapan."
    tier = (form.get("award") or "").strip()
    if tier not in tiers():
        errors["award"] = "Pilih jenis penghargaan bagi pemenang."
    stages = []
    for stage in (template or {}).get("stages", []):
        stage = dict(stage)
        if stage["kind"] == "score":
            top, threshold = (form.get(f"top_{stage['key']}") or "").strip(), (form.get(f"threshold_{stage['key']}") or "").strip()
            if threshold and top:
                errors[f"top_{stage['key']}"] = f"{stage['label']}: isi jumlah teratas atau nilai minimal, bukan keduanya."
            elif threshold:
                try:
                    stage["threshold"], stage["top"] = float(threshold.replace(",", ".")), None
                    if not 0 <= stage["threshold"] <= 100:
                        raise ValueError
                except ValueError:
                    errors[f"threshold_{stage['key']}"] = f"{stage['label']}: nilai minimal 0 sampai 100."
            elif top:
                if not top.isdigit() or int(top) < 1:
                    errors[f"top_{stage['key']}"] = f"{stage['label']}: jumlah yang lolos harus bilangan 1 atau lebih."
                else:
                    stage["top"], stage["threshold"] = int(top), None
        stages.append(stage)
    if errors:
        raise CompetitionError(errors)
    when = now_iso()
    with db.conn:
        cursor = db.execute(
            "INSERT INTO competitions (hub, name, year, opens_on, closes_on, template, stages, award, status, "
            "current_stage, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', -1, ?, ?)",
            [hub, name, int(year), opens, closes, form.get("template"), json.dumps(stages, ensure_ascii=False), tier,
             user.name, when])
        log(db, "competition", cursor.lastrowid, user.name, "kompetisi dibuka", name)
    return cursor.lastrowid


def set_panelists(db, number: int, user: User, names: list[str]) -> None:
    competition = _manageable(db, number, user)
    if competition["status"] == "published":
        raise CompetitionError({"panelists": "Hasil sudah terbit; panelis tidak dapat diubah."}, 409)
    known = {r["name"]: r for r in rows(db, "SELECT name, role, hub FROM users WHERE disabled_at IS NULL")}
    chosen = sorted({n for n in names if n})
    wrong = [n for n in chosen if n not in known or known[n]["role"] != "panelist" or known[n]["hub"] != competition["hub"]]
    if wrong:
        raise CompetitionError({"panelists": f"Bukan panelis hub ini: {', '.join(wrong)}."})
    if competition["status"] != "open":
        scored = {r["panelist"] for r in rows(db, "SELECT DISTINCT panelist FROM competition_scores WHERE competition_id = ?",
                                             [number])}
        dropped = sorted(scored - set(chosen))
        if dropped:
            raise CompetitionError({"panelists": f"Sudah memberi nilai, tidak dapat dikeluarkan: {', '.join(dropped)}."}, 409)
        if not chosen:
            raise CompetitionError({"panelists": "Penilaian sudah dimulai: pilih paling sedikit satu panelis."}, 409)
    with db.conn:
        db.execute("DELETE FROM competition_panelists WHERE competition_id = ?", [number])
        db.conn.executemany("INSERT INTO competition_panelists (competition_id, panelist) VALUES (?, ?)",
                            [(number, n) for n in chosen])
        log(db, "competition", number, user.name, "panelis ditetapkan", ", ".join(chosen) or "(tidak ada)")


def eligible(db, competition: dict) -> list[dict]:
    """Submissions sent to the hub within the window (sent or published)."""
    return [s for s in (submissions.get_submission(db, r["id"]) for r in rows(
        db, "SELECT id FROM submissions WHERE hub = ? AND status != 'draft' AND substr(submitted_at, 1, 10) "
            "BETWEEN ? AND ? ORDER BY id", [competition["hub"], competition["opens_on"], competition["closes_on"]]))]


def start(db, number: int, user: User) -> int:
    """Scoring begins: the eligible submissions are the entries; the first stage opens."""
    competition = _manageable(db, number, user)
    if competition["status"] != "open":
        raise CompetitionError({"competition": "Penilaian kompetisi ini sudah dimulai."}, 409)
    found = eligible(db, competition)
    if not found:
        raise CompetitionError({"competition": "Belum ada ajuan terkirim dalam masa ajuan kompetisi ini."}, 409)
    if not panelists(db, number):
        raise CompetitionError({"panelists": "Pilih panelis dulu."}, 409)
    when = now_iso()
    with db.conn:
        db.conn.executemany("INSERT INTO competition_entries (competition_id, submission_id, reached) VALUES (?, ?, 0)",
                            [(number, s["id"]) for s in found])
        db.execute("UPDATE competitions SET status = 'scoring', current_stage = 0, updated_at = ? WHERE id = ?", [when, number])
        log(db, "competition", number, user.name, "penilaian dimulai", f"{len(found)} peserta")
    return len(found)


def score(db, number: int, user: User, submission_id: int, form: dict) -> None:
    """A panelist's scores (and a comment per indicator) for one entry of the open stage."""
    competition = get_competition(db, number)
    if competition is None:
        raise CompetitionError({"competition": f"Tidak ada kompetisi no. {number}."}, 404)
    if not is_panelist(db, user, competition):
        raise CompetitionError({"user": "Hanya panelis kompetisi ini yang menilai."}, 403)
    entry = next((e for e in entries(db, number) if e["submission_id"] == submission_id), None)
    if entry is None:
        raise CompetitionError({"entry": "Ajuan ini bukan peserta kompetisi."}, 404)
    if conflict(user, entry["submission"]):
        raise CompetitionError({"user": "Panelis tidak menilai ajuan instansinya sendiri."}, 403)
    stage_index = competition["current_stage"]
    if competition["status"] != "scoring" or entry["reached"] < stage_index:
        raise CompetitionError({"entry": "Tahap ini sudah ditutup; nilainya terkunci."}, 409)
    stage = competition["stages"][stage_index]
    errors, values = {}, {}
    for indicator in stage["indicators"]:
        raw = (form.get(f"nilai_{indicator['key']}") or "").strip().replace(",", ".")
        if stage["kind"] == "checklist":
            if raw not in ("1", "0"):
                errors[f"nilai_{indicator['key']}"] = f"{indicator['label']}: pilih memenuhi atau tidak."
                continue
            values[indicator["key"]] = float(raw)
            continue
        try:
            value = float(raw)
        except ValueError:
            errors[f"nilai_{indicator['key']}"] = f"{indicator['label']}: isi nilai {stage['min']:g} sampai {stage['max']:g}."
            continue
        if not stage["min"] <= value <= stage["max"]:
            errors[f"nilai_{indicator['key']}"] = f"{indicator['label']}: nilai {stage['min']:g} sampai {stage['max']:g}."
        values[indicator["key"]] = value
    if errors:
        raise CompetitionError(errors)
    when = now_iso()
    with db.conn:
        for indicator in stage["indicators"]:
            comment = (form.get(f"catatan_{indicator['key']}") or "").strip()[:2000] or None
            db.execute("INSERT INTO competition_scores (competition_id, stage, submission_id, panelist, indicator, value, "
                       "comment, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (competition_id, stage, submission_id, "
                       "panelist, indicator) DO UPDATE SET value = excluded.value, comment = excluded.comment, at = excluded.at",
                       [number, stage_index, submission_id, user.name, indicator["key"], values[indicator["key"]], comment, when])
        log(db, "competition", number, user.name, "nilai diberikan", f"{stage['label']}: ajuan no. {submission_id}")


def missing_scores(db, competition: dict) -> dict[int, list[str]]:
    """Entries of the open stage, by number, with the panelists (not of their agency) who have
    not scored every indicator yet."""
    stage_index = competition["current_stage"]
    stage = competition["stages"][stage_index]
    done: dict[int, dict[str, int]] = {}
    for row in scores(db, competition["id"], stage_index):
        done.setdefault(row["submission_id"], {}).setdefault(row["panelist"], 0)
        done[row["submission_id"]][row["panelist"]] += 1
    agencies = {r["name"]: r["agency"] for r in hub_panelists(db, competition["hub"])}
    named = panelists(db, competition["id"])
    out = {}
    for entry in entries(db, competition["id"]):
        if entry["reached"] < stage_index:
            continue
        waiting = [name for name in named if not of_agency(agencies.get(name), entry["submission"])
                   and done.get(entry["submission_id"], {}).get(name, 0) < len(stage["indicators"])]
        if waiting:
            out[entry["submission_id"]] = waiting
    return out


def close_stage(db, number: int, user: User, anyway: bool = False) -> list[int]:
    """Lock the open stage's scores and move on the entries its rule keeps; answers them.
    While some panelist has not scored some entry, refused unless `anyway`."""
    competition = _manageable(db, number, user)
    if competition["status"] != "scoring":
        raise CompetitionError({"competition": "Tidak ada tahap yang sedang dinilai."}, 409)
    stage_index = competition["current_stage"]
    results = stage_results(db, competition, stage_index)
    if not any(r.total is not None for r in results):
        raise CompetitionError({"competition": "Belum ada nilai lengkap pada tahap ini."}, 409)
    waiting = missing_scores(db, competition)
    if waiting and not anyway:
        raise CompetitionError({"unscored": f"{len(waiting)} ajuan belum dinilai lengkap oleh semua panelisnya "
                                            f"(ajuan no. {', '.join(map(str, sorted(waiting)))}). Ajuan tanpa nilai "
                                            "lengkap tidak lolos. Tunggu panelis, atau centang \"tutup walau belum "
                                            "lengkap\"."}, 409)
    passing = [r.submission_id for r in results if r.passes]
    last = stage_index == len(competition["stages"]) - 1
    when = now_iso()
    with db.conn:
        for place, result in enumerate(results, 1):
            db.execute("UPDATE competition_entries SET total = ?, rank = ? WHERE competition_id = ? AND submission_id = ?",
                       [result.total, place, number, result.submission_id])
        for submission_id in passing:
            db.execute("UPDATE competition_entries SET reached = ? WHERE competition_id = ? AND submission_id = ?",
                       [stage_index + (0 if last else 1), number, submission_id])
        if last:
            db.conn.executemany("UPDATE competition_entries SET winner = 1 WHERE competition_id = ? AND submission_id = ?",
                                [(number, s) for s in passing])
        db.execute("UPDATE competitions SET status = ?, current_stage = ?, updated_at = ? WHERE id = ?",
                   ["closed" if last else "scoring", stage_index if last else stage_index + 1, when, number])
        log(db, "competition", number, user.name, "tahap ditutup",
            f"{competition['stages'][stage_index]['label']}: lolos ajuan no. {', '.join(map(str, passing)) or '-'}")
    return passing


def publish(db, number: int, user: User, config) -> list[str]:
    """The results: winners get the award (their submissions published as records first),
    innovators see their scores. Answers the winners' record ids."""
    competition = _manageable(db, number, user)
    if competition["status"] != "closed":
        raise CompetitionError({"competition": "Hasil terbit setelah tahap terakhir ditutup."}, 409)
    winners = [e for e in entries(db, number) if e["winner"]]
    record_ids = []
    for entry in winners:
        submission = entry["submission"]
        if submission["status"] != "published":
            submissions.publish(db, submission["id"], user, config)
            submission = submissions.get_submission(db, submission["id"])
        record_ids.append(submission["record_id"])
    when = now_iso()
    with db.conn:
        for record_id in record_ids:
            add_award(db, record_id, competition["award"], competition["year"], competition["name"], number)
            add_audit(db, record_id, user.name, when, "award", None,
                      f"{tier_label(competition['award'])} {competition['year']} ({competition['name']})")
        db.execute("UPDATE competitions SET status = 'published', published_at = ?, updated_at = ? WHERE id = ?",
                   [when, when, number])
        log(db, "competition", number, user.name, "hasil diterbitkan", ", ".join(record_ids))
    return record_ids


def feedback_for(db, competition: dict, submission_id: int) -> list[dict]:
    """After publication, what an innovator sees of their entry: per stage reached, the total
    and each indicator's scores and comments (panelists named by number, not by account)."""
    found = entries(db, competition["id"])
    entry = next((e for e in found if e["submission_id"] == submission_id), None)
    if entry is None or competition["status"] != "published":
        return []
    out = []
    for index, stage in enumerate(competition["stages"]):
        if index > entry["reached"]:
            break
        rows_ = scores(db, competition["id"], index, submission_id)
        if not rows_:
            continue
        result = next((r for r in stage_results(db, competition, index, found) if r.submission_id == submission_id), None)
        order = {i["key"]: n for n, i in enumerate(stage["indicators"])}
        labels = {i["key"]: i["label"] for i in stage["indicators"]}
        # numbered among this entry's own panelists: no gap tells who was left out
        names = {name: f"Panelis {n}" for n, name in enumerate(sorted({r["panelist"] for r in rows_}), 1)}
        rows_.sort(key=lambda r: (r["panelist"], order.get(r["indicator"], 99)))
        out.append({"stage": stage["label"], "total": result.total if result else None,
                    "passed": bool(result and result.passes),
                    "scores": [{"panelist": names[r["panelist"]], "indicator": labels.get(r["indicator"], r["indicator"]),
                                "value": (("Memenuhi" if r["value"] >= 1 else "Tidak memenuhi") if stage["kind"] == "checklist"
                                          else f"{r['value']:g}"), "comment": r["comment"]} for r in rows_]})
    return out


def hub_panelists(db, hub: str) -> list[dict]:
    """The hub's active panelist accounts, with their agencies."""
    return list(rows(db, "SELECT name, agency FROM users WHERE role = 'panelist' AND hub = ? AND disabled_at IS NULL "
                         "ORDER BY name", [hub]))


def innovator_feedback(db, submission_id: int) -> list[dict]:
    """For the submission's page: each published competition's scores and comments of it."""
    out = []
    for row in rows(db, "SELECT competition_id FROM competition_entries WHERE submission_id = ?", [submission_id]):
        competition = get_competition(db, row["competition_id"])
        if competition and competition["status"] == "published":
            entry = next(e for e in entries(db, competition["id"]) if e["submission_id"] == submission_id)
            out.append({"competition": competition, "winner": bool(entry["winner"]), "rank": entry["rank"],
                        "stages": feedback_for(db, competition, submission_id)})
    return out


def scores_workbook(db, competition: dict) -> bytes:
    """Every score with its comment, and each stage's totals, as an Excel workbook."""
    from openpyxl import Workbook            # loaded when a workbook is asked for

    number = competition["id"]
    book = Workbook()
    sheet = book.active
    sheet.title = "Nilai"
    sheet.append(["Tahap", "No. ajuan", "Judul", "Instansi", "Panelis", "Indikator", "Bobot", "Nilai", "Catatan"])
    found = entries(db, number)
    by_id = {e["submission_id"]: e["submission"] or {} for e in found}
    for index, stage in enumerate(competition["stages"]):
        weights = {i["key"]: (i["label"], i["weight"]) for i in stage["indicators"]}
        order = {i["key"]: n for n, i in enumerate(stage["indicators"])}
        for row in sorted(scores(db, number, index), key=lambda r: (r["submission_id"], r["panelist"],
                                                                    order.get(r["indicator"], 99))):
            submission = by_id.get(row["submission_id"], {})
            label, weight = weights.get(row["indicator"], (row["indicator"], None))
            sheet.append([stage["label"], row["submission_id"], (submission.get("fields") or {}).get("title"),
                          submission.get("agency"), row["panelist"], label, weight, row["value"], row["comment"]])
    totals = book.create_sheet("Total")
    totals.append(["Tahap", "No. ajuan", "Judul", "Total (0-100)", "Selisih antarpanelis", "Lolos"])
    for index, stage in enumerate(competition["stages"][:max(competition["current_stage"], 0) + 1]):
        for result in stage_results(db, competition, index, found):
            submission = by_id.get(result.submission_id, {})
            totals.append([stage["label"], result.submission_id, (submission.get("fields") or {}).get("title"),
                           result.total, result.spread, "ya" if result.passes else "tidak"])
    for ws in (sheet, totals):
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def panelist_sees(db, user: User | None, submission: dict) -> bool:
    """A panelist of a competition the submission entered (not of its agency) reads it."""
    if user is None or user.role != "panelist" or conflict(user, submission):
        return False
    return bool(list(rows(db, "SELECT 1 FROM competition_entries e JOIN competition_panelists p ON "
                              "p.competition_id = e.competition_id WHERE e.submission_id = ? AND p.panelist = ?",
                          [submission["id"], user.name])))


def public_results(db, competition: dict) -> dict:
    """What anyone may read of a published competition: stages, winners with their records,
    and each entry's rank and totals per stage (no panelist names, no comments)."""
    out = {"id": competition["id"], "name": competition["name"], "year": competition["year"], "hub": competition["hub"],
           "award": competition["award"], "stages": [{"key": s["key"], "label": s["label"], "kind": s["kind"],
                                                     "indicators": [{"key": i["key"], "label": i["label"],
                                                                     "weight": i["weight"]} for i in s["indicators"]]}
                                                    for s in competition["stages"]], "entries": []}
    found = entries(db, competition["id"])
    totals = {index: {r.submission_id: r.total for r in stage_results(db, competition, index, found)}
              for index in range(len(competition["stages"]))}
    out["award_label"] = tier_label(competition["award"])
    for entry in found:
        submission = entry["submission"] or {}
        if submission.get("status") != "published":       # a proposal the hub never published stays its own
            continue
        out["entries"].append({"title": (submission.get("fields") or {}).get("title"), "agency": submission.get("agency"),
                               "record_id": submission.get("record_id") if submission.get("status") == "published" else None,
                               "winner": bool(entry["winner"]), "stage_reached": competition["stages"][entry["reached"]]["key"],
                               "totals": {competition["stages"][i]["key"]: totals[i].get(entry["submission_id"])
                                          for i in range(entry["reached"] + 1)}})
    out["entries"].sort(key=lambda e: (not e["winner"], -len(e["totals"]), -(list(e["totals"].values())[-1] or 0)))
    return out


def entered_competitions(db, submission_id: int) -> list[dict]:
    """The competitions a submission entered, with the stage it reached and whether it is out."""
    out = []
    for row in rows(db, "SELECT competition_id, reached FROM competition_entries WHERE submission_id = ?", [submission_id]):
        competition = get_competition(db, row["competition_id"])
        if competition:
            reached = competition["stages"][row["reached"]]["label"]
            out.append({"id": competition["id"], "name": competition["name"], "status": STATUSES[competition["status"]],
                        "stage": reached})
    return out
