"""The search request as plain data: parsed and checked from URL parameters."""
from __future__ import annotations

from dataclasses import dataclass, field

from kms.schema import AGENCY_TYPES, STAGES, STATUSES
from kms.search.engine import FACETS, SORTS
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
_CHOICES = {"agency_type": AGENCY_TYPES, "stage": STAGES, "status": STATUSES}


class ParameterError(ValueError):
    """A malformed parameter; names the parameter."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"

    @classmethod
    def from_args(cls, args, default_per_page: int = 20) -> "SearchQuery":
        """Build from a MultiDict of URL parameters; raises ParameterError."""
        filters = {}
        for name in FACETS:
            values = tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
            for value in values:
                _check_value(name, value)
            if values:
                filters[name] = values
        year_from = _int(args, "year_from", 1900, 2100)
        year_to = _int(args, "year_to", 1900, 2100)
        page = _int(args, "page", 1, MAX_PAGE) or 1
        per_page = _int(args, "per_page", 1, MAX_PER_PAGE) or default_per_page
        sort = args.get("sort", "relevance") or "relevance"
        if sort not in SORTS:
            raise ParameterError("sort", f"sort must be one of {', '.join(SORTS)}")
        return cls(q=(args.get("q") or "").strip()[:500], filters=filters, year_from=year_from,
                   year_to=year_to, page=page, per_page=per_page, sort=sort)

    def selected(self, name: str) -> tuple[str, ...]:
        return self.filters.get(name, ())

    def as_args(self, filters: dict | None = None, page: int = 1, sort: str | None = None) -> list:
        """URL parameters of this query, optionally with other filters, page or sort (for links)."""
        pairs = [("q", self.q)] if self.q else []
        for name, values in (self.filters if filters is None else filters).items():
            pairs += [(name, value) for value in values]
        for name in ("year_from", "year_to"):
            if getattr(self, name) is not None:
                pairs.append((name, str(getattr(self, name))))
        sort = sort or self.sort
        if sort != "relevance":
            pairs.append(("sort", sort))
        if page > 1:
            pairs.append(("page", str(page)))
        return pairs


def _int(args, name: str, low: int, high: int) -> int | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ParameterError(name, f"{name} must be an integer") from None
    if not low <= value <= high:
        raise ParameterError(name, f"{name} must be between {low} and {high}")
    return value


def _check_value(name: str, value: str) -> None:
    if name in ("year", "sdg"):
        try:
            number = int(value)
        except ValueError:
            raise ParameterError(name, f"{name} must be an integer") from None
        if name == "sdg" and not 1 <= number <= 17:
            raise ParameterError(name, "sdg must be between 1 and 17")
    elif name in _CHOICES and value not in _CHOICES[name]:
        raise ParameterError(name, f"{name} must be one of {', '.join(_CHOICES[name])}")
    elif name in ("province", "regency") and not value.replace(".", "").isdigit():
        raise ParameterError(name, f"{name} must be a dotted Kemendagri code such as 73 or 73.71")
    elif len(value) > 200:
        raise ParameterError(name, f"{name} is too long")
