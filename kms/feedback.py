"""Service users' voice on an innovation: a rating 1-5 ("apakah layanan ini lebih baik dari
sebelumnya?") that counts at once, one per address per record per day, and a short comment that
waits for staff in scope before it is published (with an optional staff answer). No address is
stored: a rating keeps a key made of the address and that day's salt, forgotten the next day."""
from __future__ import annotations

import datetime as dt
import hashlib

from kms.db import rows

MAX_COMMENT = 1000
MAX_NAME = 80
STATUSES = ("pending", "published", "rejected")


class FeedbackError(ValueError):
    """Input refused: {field: Indonesian message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def visitor_key(secret: str, address: str, day: str) -> str:
    return hashlib.sha256(f"{secret}|{day}|{address}".encode()).hexdigest()[:24]


def rate(db, record_id: str, rating, address: str, secret: str, today: dt.date | None = None) -> bool:
    """Count a rating; False when this address rated this record today already."""
    try:
        value = int(str(rating))
    except ValueError:
        raise FeedbackError({"rating": "Pilih nilai 1 sampai 5."}) from None
    if not 1 <= value <= 5:
        raise FeedbackError({"rating": "Pilih nilai 1 sampai 5."})
    day = (today or dt.date.today()).isoformat()
    with db.conn:
        db.execute("UPDATE feedback_ratings SET visitor = NULL WHERE day < ? AND visitor IS NOT NULL", [day])
        cursor = db.execute("INSERT OR IGNORE INTO feedback_ratings (record_id, rating, day, visitor, created_at) "
                            "VALUES (?, ?, ?, ?, ?)", [record_id, value, day, visitor_key(secret, address, day),
                                                       dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")])
    return cursor.rowcount == 1


def comment(db, record_id: str, text: str, name: str = "") -> int:
    """A comment waiting for moderation; answers its id."""
    text, name = (text or "").strip(), (name or "").strip()
    errors = {}
    if len(text) < 10:
        errors["text"] = "Tulis tanggapan paling sedikit 10 karakter."
    elif len(text) > MAX_COMMENT:
        errors["text"] = f"Tanggapan paling banyak {MAX_COMMENT} karakter."
    if len(name) > MAX_NAME:
        errors["name"] = f"Nama paling banyak {MAX_NAME} karakter."
    if errors:
        raise FeedbackError(errors)
    with db.conn:
        cursor = db.execute("INSERT INTO feedback_comments (record_id, name, text, created_at) VALUES (?, ?, ?, ?)",
                            [record_id, name or None, text, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")])
    return cursor.lastrowid


def summary(db, record_id: str) -> dict:
    """{"average", "count"} of the ratings (average None without any)."""
    count, average = db.execute("SELECT COUNT(*), AVG(rating) FROM feedback_ratings WHERE record_id = ?",
                                [record_id]).fetchone()
    return {"count": count, "average": round(average, 2) if average is not None else None}


def published(db, record_id: str) -> list[dict]:
    return list(rows(db, "SELECT id, name, text, created_at, answer, answered_at FROM feedback_comments "
                         "WHERE record_id = ? AND status = 'published' ORDER BY created_at, id", [record_id]))


def pending(db) -> list[dict]:
    return list(rows(db, "SELECT c.*, i.title, i.agency, i.unit, i.province_code FROM feedback_comments c "
                         "JOIN innovations i ON i.id = c.record_id WHERE c.status = 'pending' ORDER BY c.created_at, c.id"))


def get_comment(db, comment_id: int) -> dict | None:
    found = list(rows(db, "SELECT * FROM feedback_comments WHERE id = ?", [comment_id]))
    return found[0] if found else None


def moderate(db, comment_id: int, publish: bool, user: str, answer: str = "") -> None:
    """Publish (with an optional answer) or reject a comment, keeping who and when."""
    when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    answer = (answer or "").strip()[:MAX_COMMENT]
    with db.conn:
        db.execute("UPDATE feedback_comments SET status = ?, moderated_by = ?, moderated_at = ?, answer = ?, "
                   "answered_by = ?, answered_at = ? WHERE id = ?",
                   ["published" if publish else "rejected", user, when, answer or None,
                    user if answer else None, when if answer else None, comment_id])
