"""Hub mappings: a TOML file per hub says how its export maps onto the canonical record."""
from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from indexer.reference import HUBS_DIR
from kms.schema import MAPPABLE_FIELDS, SECTIONS

FORMATS = ("csv", "json", "jsonl", "xlsx", "pdf", "sqldump", "sqlite")
DATABASES = ("sqldump", "sqlite")       # formats of several tables: the mapping names `table` and `joins`
KINDS = ("innovations", "replications")
REPLICATION_FIELDS = ("original", "replica", "stage", "minat", "kesepakatan", "implementasi",
                      "original_agency", "replica_agency", "original_unit", "replica_unit",
                      "original_region", "replica_region", "original_title", "replica_title")
TEXT_FIELDS = ("title", *SECTIONS, "agency", "unit", "category", "innovator", "contact")


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and the key."""


MAX_SUBMISSIONS = 10        # proposals one innovator may send to the hub in a year, unless the hub says otherwise


@dataclass(frozen=True)
class Mapping:
    name: str
    format: str
    path: Path
    kind: str = "innovations"
    encoding: str = "auto"
    delimiter: str = ""
    region_codes: str = "kemendagri"
    records_at: str = ""
    id: str = ""
    sheet: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    html_fields: tuple[str, ...] = ()
    samples: tuple[str, ...] = ()
    records_hub: str = ""       # replication exports: the hub whose ids `original`/`replica` use
    text: str = ""              # the TOML it was read from (kept with the store for renormalize)
    label: str = ""             # the hub's name for people ("Hub JIPP Sulawesi Selatan"); pages show it
    table: str = ""             # sqldump, sqlite: the main table (one innovation per row)
    joins: dict[str, dict] = field(default_factory=dict)    # name -> {table, on, key, many}
    max_submissions: int = MAX_SUBMISSIONS   # the hub's own site: proposals per innovator per year


def with_decisions(mapping: Mapping, decisions: dict[str, dict[str, str]]) -> Mapping:
    """The mapping with staff decisions (field -> {spelling: value}, from `kms decide`) added to
    its [values.FIELD] tables; the mapping file's own entries win."""
    if not decisions:
        return mapping
    values = {name: dict(table) for name, table in mapping.values.items()}
    for name, table in decisions.items():
        values[name] = {**table, **values.get(name, {})}
    return replace(mapping, values=values)


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


# Every key a mapping file may hold and its type: the one place mapping keys are declared.
KEYS: dict[str, tuple[type, ...]] = {
    "name": (str,), "label": (str,), "format": (str,), "kind": (str,), "encoding": (str,), "delimiter": (str,),
    "region_codes": (str,), "records_at": (str,), "id": (str,), "sheet": (str,), "fields": (dict,),
    "values": (dict,), "defaults": (dict,), "html": (dict,), "samples": (str, list), "records_hub": (str,),
    "table": (str,), "joins": (dict,), "max_submissions": (int,),
}
JOIN_KEYS: dict[str, tuple[type, ...]] = {"table": (str,), "on": (str,), "key": (str,), "many": (bool,)}
_TYPE_NAMES = {str: "teks", list: "daftar", dict: "tabel", bool: "true/false", int: "bilangan bulat"}


def _check_table(data: dict, allowed: dict[str, tuple[type, ...]], fail, where: str = "") -> None:
    """Keys of one TOML table that are unknown (with the likely one meant) or of the wrong
    type, named (`where`: the table's name before the message, for nested tables)."""
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            fail(f"{where}kunci tidak dikenal: {key}" + (f" (maksudnya '{close[0]}'?)" if close else ""))
    for key, kinds in allowed.items():
        if key in data and not isinstance(data[key], kinds):
            wanted = " atau ".join(_TYPE_NAMES[k] for k in kinds)
            fail(f"{where}{key} harus {wanted}" if where else f"'{key}' harus {wanted}, bukan {type(data[key]).__name__}")


def _check_types(data: dict, fail) -> None:
    """Unknown keys (with the likely one meant) and values of the wrong type, named."""
    _check_table(data, KEYS, fail)
    for name, source in data.get("fields", {}).items():
        if not (isinstance(source, str) or (isinstance(source, list) and source
                                            and all(isinstance(c, str) for c in source))):
            fail(f"[fields] {name} harus nama kolom (teks) atau daftar nama kolom")
    for name, table in data.get("values", {}).items():
        if not isinstance(table, dict) or not all(isinstance(v, (str, int, float, bool)) for v in table.values()):
            fail(f"[values.{name}] harus tabel nilai sumber = nilai kanonik")
    for name, value in data.get("defaults", {}).items():
        if not isinstance(value, (str, int, float, bool)):
            fail(f"[defaults] {name} harus teks atau angka")
    html = data.get("html", {})
    if set(html) - {"fields"} or not isinstance(html.get("fields", []), list) \
            or not all(isinstance(f, str) for f in html.get("fields", [])):
        fail("[html] hanya berisi fields = daftar kolom teks")
    if isinstance(data.get("samples"), list) and not all(isinstance(x, str) for x in data["samples"]):
        fail("'samples' harus daftar nama berkas")
    for name, join in data.get("joins", {}).items():
        if not isinstance(join, dict):
            fail(f"[joins.{name}] harus tabel dengan table, on (dan key, many)")
        _check_table(join, JOIN_KEYS, fail, f"[joins.{name}] ")
        for required in ("table", "on"):
            if not join.get(required):
                fail(f"[joins.{name}] {required} wajib diisi")


def load_mapping(path: str | Path) -> Mapping:
    """Read and check one mapping file."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise MappingError(f"{path}: file pemetaan tidak ditemukan") from None
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path}: bukan UTF-8: {exc}") from None
    return mapping_from_text(text, path)


def mapping_from_text(text: str, path: str | Path) -> Mapping:
    """Check one mapping's TOML text (`path` names it in errors)."""
    path = Path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path}: TOML tidak valid: {exc}") from None

    def fail(message: str):
        raise MappingError(f"{path}: {message}")

    _check_types(data, fail)
    for required in ("name", "format"):
        if not data.get(required):
            fail(f"kunci '{required}' wajib diisi")
    if data["format"] not in FORMATS:
        fail(f"format '{data['format']}' tidak dikenal (pilihan: {', '.join(FORMATS)})")
    if data["format"] in DATABASES and not data.get("table"):
        fail(f"format {data['format']} perlu 'table': tabel utama yang berisi satu inovasi per baris")
    if data["format"] not in DATABASES and (data.get("table") or data.get("joins")):
        fail("'table' dan [joins] hanya untuk format sqldump dan sqlite")
    kind = data.get("kind", "innovations")
    if kind not in KINDS:
        fail(f"kind '{kind}' tidak dikenal (pilihan: {', '.join(KINDS)})")
    if data.get("region_codes", "kemendagri") not in ("kemendagri", "bps"):
        fail("region_codes harus 'kemendagri' atau 'bps'")
    allowed = MAPPABLE_FIELDS + ("replicates",) if kind == "innovations" else REPLICATION_FIELDS
    fields = {name: _as_list(source) for name, source in data.get("fields", {}).items()}
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        fail(f"[fields] berisi kolom kanonik yang tidak dikenal: {', '.join(unknown)}")
    if kind == "innovations" and "title" not in fields:
        fail("[fields] harus memetakan 'title'")
    if kind == "replications" and not ({"original", "original_title"} & set(fields)
                                       and {"replica", "replica_title"} & set(fields)):
        fail("[fields] harus memetakan original (atau original_title) dan replica (atau replica_title)")
    values = {name: {str(k): str(v) for k, v in table.items()}
              for name, table in data.get("values", {}).items()}
    html = data.get("html", {}).get("fields", [])
    bad_html = sorted(set(html) - set(TEXT_FIELDS))
    if bad_html:
        fail(f"[html] fields bukan kolom teks: {', '.join(bad_html)}")
    return Mapping(
        name=data["name"], format=data["format"], path=path, kind=kind,
        encoding=data.get("encoding", "auto"), delimiter=data.get("delimiter", ""),
        region_codes=data.get("region_codes", "kemendagri"),
        records_at=data.get("records_at", ""), id=data.get("id", ""),
        sheet=data.get("sheet", ""), fields=fields, values=values,
        defaults={k: str(v) for k, v in data.get("defaults", {}).items()},
        html_fields=tuple(html), samples=tuple(_as_list(data.get("samples", []))),
        records_hub=data.get("records_hub", ""), text=text, label=data.get("label", "").strip(),
        table=data.get("table", ""), joins={name: dict(join) for name, join in data.get("joins", {}).items()},
        max_submissions=_positive(data.get("max_submissions", MAX_SUBMISSIONS), fail),
    )


def _positive(value, fail) -> int:
    if isinstance(value, bool) or value < 1 or value > 1000:
        fail("'max_submissions' harus bilangan 1 sampai 1000")
    return value


def hub_mapping(name: str, hubs_dir: Path = HUBS_DIR) -> Mapping:
    """The mapping of a bundled hub by name; its file name must equal its `name`."""
    path = hubs_dir / f"{name}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in hubs_dir.glob("*.toml")))
        raise MappingError(f"hub '{name}' tidak dikenal (tersedia: {known})")
    mapping = load_mapping(path)
    if mapping.name != name:
        raise MappingError(f"{path}: name '{mapping.name}' harus sama dengan nama berkas '{name}'")
    return mapping


@cache
def bundled_labels() -> dict[str, str]:
    """hub name -> label of every bundled hub mapping that has one."""
    return {m.name: m.label for m in all_hub_mappings() if m.label}


def all_hub_mappings(hubs_dir: Path = HUBS_DIR) -> list[Mapping]:
    """Every bundled hub mapping, innovation hubs before replication exports."""
    mappings = [hub_mapping(p.stem, hubs_dir) for p in sorted(hubs_dir.glob("*.toml"))]
    return sorted(mappings, key=lambda m: (m.kind != "innovations", m.name))
