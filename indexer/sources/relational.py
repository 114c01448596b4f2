"""Hub databases as sources: rows of several tables (from a MySQL dump or an SQLite file)
assembled into one raw record per row of the mapping's main table. A many-to-one join
(`[joins.inovator] table = "inovator", on = "id_inovator"`) puts the matching lookup row
under its name (`inovator.nama`); a one-to-many join (`many = true`, `on` naming the column
of the joined table that points at the main row's `key`) puts the list of matching rows
(`foto.url` reads every photo's url)."""
from __future__ import annotations

from typing import Iterator

from indexer.sources.base import SourceError, SourceRecord

Tables = dict[str, list[tuple[int, dict]]]      # table -> [(line, row)]


def assemble(tables: Tables, mapping, broken: list[SourceRecord], source: str) -> Iterator[SourceRecord]:
    """The records of the main table with their joins; the broken statements first (each is
    quarantined with its line), then every row."""
    main = mapping.table
    if main not in tables:
        known = ", ".join(sorted(tables)) or "tidak ada"
        raise SourceError(f"{source}: tabel utama '{main}' tidak ada (tabel yang ada: {known})")
    lookups = {}
    for name, join in mapping.joins.items():
        rows = tables.get(join["table"])
        if rows is None:
            raise SourceError(f"{source}: tabel '{join['table']}' untuk [joins.{name}] tidak ada")
        if join.get("many"):
            grouped: dict[str, list[dict]] = {}
            for _line, row in rows:
                grouped.setdefault(_text(row.get(join["on"])), []).append(row)
            lookups[name] = grouped
        else:
            by_key = join.get("key", "id")
            lookups[name] = {_text(row.get(by_key)): row for _line, row in rows}
    yield from broken
    for line, row in tables[main]:
        record = dict(row)
        for name, join in mapping.joins.items():
            if join.get("many"):
                record[name] = lookups[name].get(_text(row.get(join.get("key", "id"))), [])
            else:
                record[name] = lookups[name].get(_text(row.get(join["on"])))
        yield SourceRecord(line, record)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
