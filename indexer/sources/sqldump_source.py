"""MySQL/MariaDB dump files read without a database server: CREATE TABLE for the column order,
INSERT statements with or without a column list, one or many rows each, strings with backslash
escapes or doubled quotes, NULL, numbers; the charset the dump declares (SET NAMES). A statement
that does not parse is quarantined with its line; the rest of the dump is read."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from indexer.sources.base import SourceRecord, decode_bytes
from indexer.sources.relational import Tables, assemble

_NAMES = re.compile(rb"SET\s+NAMES\s+'?(\w+)", re.IGNORECASE)
_CHARSETS = {"utf8": "utf-8", "utf8mb4": "utf-8", "utf8mb3": "utf-8", "latin1": "cp1252", "cp1252": "cp1252",
             "ascii": "ascii", "utf16": "utf-16", "binary": "utf-8"}
_CREATE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[`\"]?([\w.]+)[`\"]?\s*\((.*)\)[^)]*$",
                     re.IGNORECASE | re.DOTALL)
_INSERT = re.compile(r"^\s*(?:INSERT|REPLACE)\s+(?:IGNORE\s+)?INTO\s+[`\"]?([\w.]+)[`\"]?\s*(\(([^)]*)\))?\s*VALUES\s*",
                     re.IGNORECASE | re.DOTALL)
_COLUMN = re.compile(r"^\s*[`\"]([^`\"]+)[`\"]")
_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "\\": "\\", "'": "'", '"': '"',
            "%": "\\%", "_": "\\_"}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class DumpError(ValueError):
    """A statement that does not parse (the message says where)."""


def declared_encoding(raw: bytes) -> str:
    found = _NAMES.search(raw[:65536])
    return _CHARSETS.get(found.group(1).decode().lower(), "auto") if found else "auto"


def statements(text: str) -> Iterator[tuple[int, str]]:
    """(line, statement) for each statement, comments left out; quotes respected."""
    i, n, line = 0, len(text), 1
    start, start_line, buffer = 0, 1, []
    while i < n:
        c = text[i]
        if c in ("'", '"', "`"):
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\\" and c != "`":
                    j += 1
                j += 1
            if j >= n:                      # an unterminated string: the rest is one broken statement
                buffer.append(text[start:n])
                yield start_line, "".join(buffer)
                return
            line += text.count("\n", i, j + 1)
            i = j + 1
            continue
        if c == "-" and text.startswith("-- ", i) or c == "#" or (c == "-" and text.startswith("--\n", i)):
            end = text.find("\n", i)
            buffer.append(text[start:i])
            i = n if end < 0 else end
            start = i
            continue
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            body = text[i + 2:end if end >= 0 else n]
            buffer.append(text[start:i])
            if body.startswith("!"):        # /*!40101 SET NAMES utf8 */: a statement for MySQL, kept as text
                buffer.append(re.sub(r"^!\d*", "", body))
            line += body.count("\n")
            i = n if end < 0 else end + 2
            start = i
            continue
        if c == "\n":
            line += 1
        if c == ";":
            buffer.append(text[start:i])
            statement = "".join(buffer).strip()
            if statement:
                yield start_line, statement
            buffer, start = [], i + 1
            start_line = line
        elif not buffer and text[start:i].strip() == "" and not c.isspace():
            start_line = line
        i += 1
    tail = ("".join(buffer) + text[start:]).strip()
    if tail:
        yield start_line, tail


def parse_values(text: str) -> list[list]:
    """The row tuples after VALUES: [[value, ...], ...]."""
    rows, i, n = [], 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n:
            break
        if text[i] != "(":
            raise DumpError(f"'(' diharapkan, bukan {text[i:i + 20]!r}")
        i += 1
        row = []
        while True:
            while i < n and text[i] in " \t\r\n":
                i += 1
            if i >= n:
                raise DumpError("baris nilai tidak ditutup ')'")
            c = text[i]
            if c in ("'", '"'):
                value, i = _string(text, i)
            elif text[i:i + 4].upper() == "NULL":
                value, i = None, i + 4
            elif text[i:i + 2].lower() == "0x":
                match = re.match(r"0x[0-9a-fA-F]*", text[i:])
                value, i = bytes.fromhex(match.group(0)[2:]).decode("utf-8", "replace"), i + match.end()
            elif text[i:i + 8].lower() == "_binary ":
                i += 8
                continue
            else:
                match = _NUMBER.match(text, i)
                if not match:
                    raise DumpError(f"nilai tidak dikenali: {text[i:i + 20]!r}")
                raw = match.group(0)
                value = int(raw) if re.fullmatch(r"[+-]?\d+", raw) else float(raw)
                i = match.end()
            row.append(value)
            while i < n and text[i] in " \t\r\n":
                i += 1
            if i < n and text[i] == ",":
                i += 1
                continue
            if i < n and text[i] == ")":
                i += 1
                break
            raise DumpError(f"',' atau ')' diharapkan, bukan {text[i:i + 20]!r}")
        rows.append(row)
    return rows


def _string(text: str, i: int) -> tuple[str, int]:
    quote, out, i, n = text[i], [], i + 1, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            out.append(_ESCAPES.get(text[i + 1], text[i + 1]))
            i += 2
            continue
        if c == quote:
            if i + 1 < n and text[i + 1] == quote:      # '' inside a string
                out.append(quote)
                i += 2
                continue
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise DumpError("teks tidak ditutup tanda kutip")


def read_tables(path: Path, encoding: str = "auto") -> tuple[Tables, list[SourceRecord]]:
    """Every table's rows from a dump, and the statements that do not parse."""
    raw = path.read_bytes()
    text = decode_bytes(raw, declared_encoding(raw) if encoding == "auto" else encoding, path)
    columns: dict[str, list[str]] = {}
    tables: Tables = {}
    broken: list[SourceRecord] = []
    for line, statement in statements(text):
        create = _CREATE.match(statement)
        if create:
            names = []
            for part in _split_columns(create.group(2)):
                column = _COLUMN.match(part)
                if column and not re.match(r"^\s*(PRIMARY|UNIQUE|KEY|INDEX|CONSTRAINT|FOREIGN|FULLTEXT)\b", part, re.I):
                    names.append(column.group(1))
            columns[create.group(1)] = names
            tables.setdefault(create.group(1), [])
            continue
        insert = _INSERT.match(statement)
        if not insert:
            continue
        table = insert.group(1)
        names = [c.strip().strip("`\"") for c in insert.group(3).split(",")] if insert.group(3) else columns.get(table)
        try:
            if not names:
                raise DumpError(f"tabel '{table}' tanpa daftar kolom dan tanpa CREATE TABLE")
            rows = parse_values(statement[insert.end():])
            for number, values in enumerate(rows):
                if len(values) != len(names):
                    raise DumpError(f"baris ke-{number + 1} berisi {len(values)} nilai untuk {len(names)} kolom")
        except DumpError as exc:
            broken.append(SourceRecord(line, {"_table": table, "_statement": statement[:2000]},
                                       f"INSERT ke tabel '{table}' di baris {line} rusak: {exc}"))
            continue
        target = tables.setdefault(table, [])
        for values in rows:
            target.append((line, dict(zip(names, values))))
    return tables, broken


def _split_columns(body: str) -> list[str]:
    parts, depth, current = [], 0, []
    for c in body:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if c == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
    parts.append("".join(current))
    return parts


def read(path: Path, mapping) -> Iterator[SourceRecord]:
    """One raw record per row of the mapping's main table, with its joins."""
    tables, broken = read_tables(path, mapping.encoding)
    return assemble(tables, mapping, broken, path.name)
