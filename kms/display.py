"""Values as people read them in Indonesian: dates ("1 Desember 2026") and times."""
from __future__ import annotations

import datetime as dt

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")


def _parse(value) -> dt.datetime | dt.date | None:
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None


def tanggal(value) -> str:
    """An ISO date or timestamp as "1 Desember 2026" (what cannot be read stays as it is)."""
    when = _parse(value)
    if when is None:
        return str(value or "")
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


WIB = dt.timezone(dt.timedelta(hours=7))      # the national reference time (Jakarta)


def waktu(value) -> str:
    """An ISO timestamp as "1 Desember 2026, 14.58 WIB" (a date alone as tanggal)."""
    when = _parse(value)
    if not isinstance(when, dt.datetime):
        return tanggal(value)
    if when.tzinfo is None:
        return f"{tanggal(when)}, {when.hour:02d}.{when.minute:02d}"
    when = when.astimezone(WIB)
    return f"{tanggal(when)}, {when.hour:02d}.{when.minute:02d} WIB"
