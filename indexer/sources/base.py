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


def decode_bytes(raw: bytes, encoding: str, path: Path) -> str:
    """Text of a file: a BOM wins, then UTF-8, then Windows-1252 (Latin-1 as last resort)."""
    if b"\x00" in raw[:4096]:
        raise SourceError(f"{path.name}: berkas biner, bukan teks (berisi byte NUL)")
    if encoding != "auto":
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise SourceError(f"{path.name}: tidak dapat dibaca sebagai {encoding}: {exc}") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
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
    for part in dotted.split("."):
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
        if current is None:
            return None
    return current
