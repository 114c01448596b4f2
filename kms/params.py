"""Request parameters, declared once: name, type, range, help. The same declaration parses a
URL's parameters or a command's options (raising ParameterError that names the parameter),
becomes the CLI options (`click_options`) and the OpenAPI parameter objects (`openapi`).

`parse` takes a plain mapping ({name: value or [values]}), a list of (name, value) pairs, or
anything with `getlist` (Flask's request.args): the domain never needs Werkzeug for it.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable, Iterable

import click

from indexer.reference import urusan_labels
from indexer.regions import resolve_region
from kms.schema import AGENCY_TYPES, DIGITAL, STAGES, STATUSES
from kms.search.engine import FACETS, SORTS

MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_LIMIT = 50


_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")          # ASCII digits: int() also takes "²" and "١٢"
_NUMBER = re.compile(r"[+-]?[0-9]{1,18}(\.[0-9]{1,18})?([eE][+-]?[0-9]{1,3})?")   # not inf, nan
# Blank: what Python or JSON Schema (ECMAScript) reads as white space, so the schema's "not
# blank" pattern and this parser agree on every character.
BLANK = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\ufeff"
NOT_BLANK = r"[^\s\x1c-\x1f\x85\ufeff]"
_CODE = re.compile(r"[0-9]{1,4}(\.[0-9]{1,4}){0,3}")  # 73, 73.71, 73.71.01, 73.71.01.1001


class ParameterError(ValueError):
    """A malformed parameter; names the parameter. `message` is English (the API's), `pesan`
    the same in Indonesian (pages and commands), `code` a stable name of the kind of error."""
    status = 400

    def __init__(self, parameter: str, message: str, pesan: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.pesan = pesan or message
        self.code = code


class UnknownValue(ParameterError):
    """A well-formed value naming nothing that exists (a region no gazetteer knows): 404."""
    status = 404


@dataclass(frozen=True)
class Param:
    """One parameter. kind: text | int | number | choice | code (a dotted Kemendagri code) |
    region (a code or a region name, resolved to a code)."""
    name: str
    help: str
    kind: str = "text"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | Callable[[], Iterable[str]] | None = None
    repeat: bool = False
    required: bool = False
    max_length: int = 200
    truncate: bool = False          # over-long text is cut, not refused (the free-text query)
    default: object = None

    def allowed(self) -> tuple[str, ...]:
        choices = self.choices() if callable(self.choices) else self.choices
        return tuple(choices or ())

    def convert(self, raw: str):
        """One value from its text; ParameterError names this parameter."""
        name = self.name
        if self.kind in ("int", "number"):
            try:
                if not (_INTEGER if self.kind == "int" else _NUMBER).fullmatch(raw):
                    raise ValueError(raw)       # ASCII digits only: not "²", "١٢", "1_000" or "1e400"
                value = int(raw) if self.kind == "int" else float(raw)
            except ValueError:
                kind, jenis = ("an integer", "bilangan bulat") if self.kind == "int" else ("a number", "angka")
                raise ParameterError(name, f"{name} must be {kind}" + self._range_text(" between {} and {}"),
                                     f"{name} harus {jenis}" + self._range_text(" antara {} dan {}"),
                                     "not_a_number") from None
            if value != value or (self.low is not None and value < self.low) \
                    or (self.high is not None and value > self.high):
                raise ParameterError(name, f"{name} must be between {self.low:g} and {self.high:g}",
                                     f"{name} harus antara {self.low:g} dan {self.high:g}", "out_of_range")
            return value
        if self.kind == "choice":
            if raw not in self.allowed():
                choices = ", ".join(self.allowed())
                raise ParameterError(name, f"{name} must be one of {choices}",
                                     f"{name} harus salah satu dari: {choices}", "not_a_choice")
            return raw
        if self.kind == "code":
            if not _CODE.fullmatch(raw) or len(raw) > 20:
                raise ParameterError(name, f"{name} must be a dotted Kemendagri code such as 73 or 73.71",
                                     f"{name} harus kode wilayah Kemendagri bertitik, mis. 73 atau 73.71",
                                     "not_a_region_code")
            return raw
        if self.kind == "region":
            found = resolve_region(raw[:self.max_length])
            if not found.code:
                reason = getattr(found, "reason", "")
                ambiguous = reason.startswith("ambigu")
                error = ParameterError if ambiguous else UnknownValue   # 400 / 404
                detail = f" ({reason})" if reason else ""
                raise error(name, f"{name} '{raw}' is not a known province or regency" + detail,
                            f"{name} '{raw}' bukan provinsi atau kabupaten/kota yang dikenal" + detail,
                            "ambiguous_region" if ambiguous else "unknown_region")
            return found.code
        if len(raw) > self.max_length:
            if self.truncate:
                return raw[:self.max_length]
            raise ParameterError(name, f"{name} is too long (at most {self.max_length} characters)",
                                 f"{name} terlalu panjang (paling banyak {self.max_length} karakter)", "too_long")
        return raw

    def _range_text(self, template: str) -> str:
        if self.low is None or self.high is None:
            return ""
        return template.format(f"{self.low:g}", f"{self.high:g}")

    def parse(self, raws: list[str], strict: bool = False):
        """The value(s) of this parameter. A blank value counts as absent (a form's empty field),
        except under `strict` (the API) for anything but text, which its schema does not allow."""
        if strict and self.kind != "text" and any(raw is None or not str(raw).strip(BLANK) for raw in raws):
            raise ParameterError(self.name, f"{self.name} is empty: give a value or leave it out",
                                 f"{self.name} kosong: isi nilainya atau hilangkan", "empty")
        values = [str(raw).strip(BLANK) for raw in raws if raw is not None and str(raw).strip(BLANK)]
        if not values:
            if self.required:
                raise ParameterError(self.name, f"{self.name} is required: {self.help}",
                                     f"{self.name} wajib diisi", "required")
            return () if self.repeat else self.default
        if self.repeat:
            return tuple(dict.fromkeys(self.convert(str(v)) for v in values))
        return self.convert(str(values[0]))

    def openapi(self) -> dict:
        schema: dict = {"integer" if self.kind == "int" else "number" if self.kind == "number"
                        else "string": None}
        schema = {"type": next(iter(schema))}
        if self.low is not None:
            schema["minimum"] = self.low
        if self.high is not None:
            schema["maximum"] = self.high
        if self.kind == "choice":
            schema["enum"] = list(self.allowed())
        if self.kind == "code":
            schema.update({"pattern": r"^[0-9]{1,4}(\.[0-9]{1,4}){0,3}$", "maxLength": 20})
        if self.kind in ("text", "region") and not self.truncate:
            schema["maxLength"] = self.max_length      # (a truncated text is cut, never refused)
        if self.kind == "region" or (self.required and self.kind == "text"):
            schema.update({"minLength": 1, "pattern": NOT_BLANK})      # blank is as good as missing
        if self.default is not None:
            schema["default"] = self.default
        param = {"name": self.name, "in": "query", "description": self.help,
                 "schema": {"type": "array", "items": schema} if self.repeat else schema}
        if self.repeat:
            param.update({"style": "form", "explode": True})
        if self.required:
            param["required"] = True
        return param

    def click_option(self, command):
        flag = "--" + self.name.replace("_", "-")
        kind = {"int": int, "number": float}.get(self.kind, str)
        help_text = self.help + (" (repeatable: OR)" if self.repeat else "")
        return click.option(flag, self.name, multiple=self.repeat, type=kind,
                            required=self.required, help=help_text)(command)


def _values(args, name: str) -> list[str]:
    if hasattr(args, "getlist"):
        return [str(v) for v in args.getlist(name)]
    if isinstance(args, (list, tuple)):
        return [str(v) for k, v in args if k == name]
    value = args.get(name)
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value]
    return [str(value)]


def _names(args) -> list[str]:
    if isinstance(args, (list, tuple)):
        return [str(k) for k, _v in args]
    return [str(k) for k in args.keys()]


def parse(params: Iterable[Param], args, strict: bool = False) -> dict:
    """{name: value} for every declared parameter (repeatable ones as tuples); raises
    ParameterError for the first malformed one. `strict`: the API, where an undeclared name
    (a misspelt filter that would silently select everything) and a blank number or choice
    are malformed; pages ignore the first and read the second as absent (forms send blanks)."""
    params = list(params)
    if strict:
        known = [param.name for param in params]
        for name in _names(args):
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                saran = f" (maksud Anda {close[0]}?)" if close else ""
                raise ParameterError(name[:40], f"unknown parameter {name[:40]!r}{hint}; known: {', '.join(known)}",
                                     f"parameter {name[:40]!r} tidak dikenal{saran}", "unknown_parameter")
    values = {param.name: param.parse(_values(args, param.name), strict) for param in params}
    check_ranges(values)
    return values


RANGES = (("year_from", "year_to"), ("min_score", "max_score"))
# What the pages call each parameter (a message names the field a person filled, not the key).
PAGE_NAMES = {"q": "kata kunci", "year_from": "tahun dari", "year_to": "tahun sampai", "year": "tahun",
              "page": "halaman", "per_page": "hasil per halaman", "sort": "urutan", "province": "provinsi",
              "regency": "kabupaten/kota", "sdg": "SDG", "award": "penghargaan", "stage": "tahapan",
              "status": "status", "agency_type": "jenis instansi", "sector": "urusan", "category": "kategori",
              "hub": "hub", "agency": "instansi", "digital": "digital", "region": "daerah",
              "gap_region": "daerah", "min_score": "skor terendah", "max_score": "skor tertinggi"}


def human_message(exc: "ParameterError") -> str:
    """The Indonesian message with parameter keys read as the names a page shows."""
    text = exc.pesan
    for name in sorted(PAGE_NAMES, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){name}(?![\w-])", PAGE_NAMES[name], text)
    return text[:1].upper() + text[1:]


def without(args, name: str) -> list[tuple[str, str]]:
    """URL parameters as pairs, one parameter left out (a malformed one)."""
    pairs = list(args.items(multi=True)) if hasattr(args, "items") and hasattr(args, "getlist") else list(args)
    return [(k, v) for k, v in pairs if k != name]


def check_ranges(values: dict) -> None:
    """A range whose start lies after its end selects nothing by mistake: malformed."""
    for low, high in RANGES:
        if values.get(low) is not None and values.get(high) is not None and values[low] > values[high]:
            raise ParameterError(low, f"{low} ({values[low]:g}) is after {high} ({values[high]:g})",
                                 f"{low} ({values[low]:g}) lebih besar dari {high} ({values[high]:g}); "
                                 "tukar keduanya", "inverted_range")


def openapi(params: Iterable[Param]) -> list[dict]:
    return [param.openapi() for param in params]


def click_options(params: Iterable[Param]):
    """A decorator adding every parameter as a command option, in declaration order."""
    def decorate(command):
        for param in reversed(list(params)):
            command = param.click_option(command)
        return command
    return decorate


def _urusan_keys() -> tuple[str, ...]:
    return tuple(urusan_labels())


# -- the declarations ---------------------------------------------------------------------
_FACET_HELP = {
    "province": "Province code (Kemendagri, e.g. 73)", "regency": "Regency/city code (e.g. 73.71)",
    "year": "Year of the innovation", "agency_type": "Kind of agency",
    "sector": "Urusan (government affair) key", "category": "Category (e.g. digital, non-digital)",
    "award": "Award tier key (e.g. top45)", "sdg": "SDG number 1-17", "stage": "Stage of the innovation",
    "status": "Whether it still runs", "hub": "The hub that sent the record",
    "agency": "Canonical agency name, as in `kms export`", "digital": "Whether the innovation is digital"}
_FACET_KIND = {"province": {"kind": "code"}, "regency": {"kind": "code"},
               "year": {"kind": "int", "low": 1900, "high": 2100},
               "sdg": {"kind": "int", "low": 1, "high": 17},
               "agency_type": {"kind": "choice", "choices": AGENCY_TYPES},
               "stage": {"kind": "choice", "choices": STAGES},
               "status": {"kind": "choice", "choices": STATUSES},
               "digital": {"kind": "choice", "choices": DIGITAL}}

QUERY = Param("q", "Free text; quoted phrases; syntax that does not parse is read as plain words.",
              max_length=500, truncate=True)
FACET_PARAMS = tuple(Param(name, _FACET_HELP[name], repeat=True, **_FACET_KIND.get(name, {}))
                     for name in FACETS)
YEARS = (Param("year_from", "First year (inclusive)", "int", 1900, 2100),
         Param("year_to", "Last year (inclusive)", "int", 1900, 2100))
FILTERS = (QUERY, *FACET_PARAMS, *YEARS)
PAGING = (Param("page", "Result page", "int", 1, MAX_PAGE, default=1),
          Param("per_page", "Results per page", "int", 1, MAX_PER_PAGE),
          Param("sort", "Order of results", "choice", choices=SORTS, default="relevance"))
SEARCH = FILTERS + PAGING
API_SEARCH = SEARCH + (Param("facet_limit", "Values per facet, most frequent first (default: every value)",
                             "int", 1, 100_000),)
SCORE_RANGE = (Param("min_score", "Lowest completeness score", "number", 0, 100),
               Param("max_score", "Highest completeness score", "number", 0, 100))
MAX_LIST = 1000
LIST_PAGING = (Param("page", "Result page", "int", 1, MAX_PAGE, default=1),
               Param("per_page", "Rows per page", "int", 1, MAX_LIST, default=100))
COMPLETENESS = FILTERS + (*SCORE_RANGE, *LIST_PAGING)      # `agency` is a shared filter


def limit(default: int) -> Param:
    return Param("limit", "How many results", "int", 1, MAX_LIMIT, default=default)


SIMILAR = (limit(10),)
REGION_HELP = "Dotted Kemendagri code or a region name (resolved like `kms region`)."
SUGGEST = (Param("problem", "describe the problem in a sentence", required=True, max_length=1000),
           Param("region", REGION_HELP, "region"),
           Param("agency_type", "Kind of agency asking", "choice", choices=AGENCY_TYPES),
           limit(10))
GAPS = (Param("region", REGION_HELP, "region", required=True),
        Param("sector", "Only this urusan key", "choice", choices=_urusan_keys),
        limit(30))


# -- statistics (kms.stats) ------------------------------------------------------------------
STATS_BY = ("province", "regency")
MATRIX_DIMENSIONS = ("province", "year", "sector", "sdg", "award", "agency_type")
CLI_STATS_BY = ("province", "regency", "year", "sector", "sdg", "award", "agency_type")
FORMAT = Param("format", "json, or csv (UTF-8 with BOM, for spreadsheets)", "choice", choices=("json", "csv"),
               default="json")
CANDIDATES = Param("candidates", "yes: count candidate replications (detected, not yet confirmed) too", "choice",
                   choices=("yes", "no"), default="no")
STATS_REGIONS = FILTERS + (Param("by", "One row per province or per regency/city", "choice", choices=STATS_BY,
                                 default="province"), CANDIDATES, FORMAT)
STATS_YEARS = FILTERS + (FORMAT,)
STATS_FLOWS = FILTERS + (CANDIDATES, FORMAT)
STATS_MATRIX = FILTERS + (Param("rows", "The dimension of the rows", "choice", choices=MATRIX_DIMENSIONS,
                                default="province"),
                          Param("cols", "The dimension of the columns", "choice", choices=MATRIX_DIMENSIONS,
                                default="sector"), FORMAT)
