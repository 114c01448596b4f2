"""Values as people read them in Indonesian: dates ("1 Desember 2026") and times; typed text
with its web addresses as links."""
from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup, escape

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


_ADDRESS = re.compile(r"https?://[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]]")


def with_links(text) -> Markup:
    """Typed text escaped, with each http(s) address a link that sends no referrer and earns
    no ranking (rel nofollow noopener noreferrer); addresses are found before escaping, and
    every piece is escaped."""
    text, out, last = str(text or ""), [], 0
    for found in _ADDRESS.finditer(text):
        address = escape(found.group(0))
        out += [escape(text[last:found.start()]), Markup(f'<a href="{address}" rel="nofollow noopener noreferrer">'
                                                         f'{address}</a>')]
        last = found.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)
