"""What every reader shares: `SourceRecord`, `SourceError`, decoding bytes, dotted paths."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class SourceError(Exception):
    """A whole file that cannot be read; the message says why, in Indonesian."""


@dataclass
class SourceRecord:
    line: int
    data: dict = field(default_factory=dict)
    error: str | None = None


BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
STRAY_SHARE = 0.01      # undecodable bytes a UTF-8 file may hold (as U+FFFD) before it is read as 1252


def decode_bytes(raw: bytes, encoding: str, path: Path) -> str:
    """Text of a file: a byte-order mark wins (UTF-8, UTF-16, UTF-32), then strict UTF-8, then
    UTF-8 with a few stray bytes replaced (a file with many UTF-8 characters and a handful of
    bad bytes is UTF-8, not Windows-1252), then Windows-1252 (Latin-1 as last resort)."""
    for bom, name in BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(name)
            except UnicodeDecodeError as exc:
                raise SourceError(f"{path.name}: bertanda {name} tetapi tidak dapat dibaca: {exc}") from None
    if b"\x00" in raw[:4096]:
        raise SourceError(f"{path.name}: berkas biner, bukan teks (berisi byte NUL)")
    if encoding != "auto":
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise SourceError(f"{path.name}: tidak dapat dibaca sebagai {encoding}: {exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", errors="replace")
    stray = text.count("\ufffd")
    multibyte = sum(1 for c in text if ord(c) > 127 and c != "\ufffd")
    if multibyte and stray <= max(1, STRAY_SHARE * multibyte):
        return text
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def get_path(data, dotted: str):
    """A value by column name or dotted key ("profil.judul", "foto.0.url"); None when absent."""
    if isinstance(data, dict):
        if dotted in data:
            return data[dotted]
        folded = {str(k).strip().lower(): v for k, v in data.items()}
        if dotted.strip().lower() in folded:
            return folded[dotted.strip().lower()]
    current = data
    parts = dotted.split(".")
    for number, part in enumerate(parts):
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        elif isinstance(current, list):     # a list of rows (a one-to-many join): the field of each
            rest = ".".join(parts[number:])
            values = [get_path(item, rest) for item in current]
            return [v for v in values if v not in (None, "")]
        else:
            return None
        if current is None:
            return None
    return current
