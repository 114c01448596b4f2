"""The search request as plain data, built from a plain mapping of parameter values (parsed
by the declarations in kms.params)."""
from __future__ import annotations

from dataclasses import dataclass, field

from kms import params
from kms.params import ParameterError  # noqa: F401  (raised by from_args)
from kms.search.engine import FACETS


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"
    per_page_given: bool = field(default=False, compare=False)   # links keep a chosen page size

    @classmethod
    def from_mapping(cls, values: dict, default_per_page: int = 20) -> "SearchQuery":
        """From parsed values ({name: value}, as kms.params.parse answers for SEARCH)."""
        filters = {name: tuple(str(v) for v in values[name]) for name in FACETS if values.get(name)}
        return cls(q=values.get("q") or "", filters=filters, year_from=values.get("year_from"),
                   year_to=values.get("year_to"), page=values.get("page") or 1,
                   per_page=values.get("per_page") or default_per_page,
                   sort=values.get("sort") or "relevance", per_page_given=bool(values.get("per_page")))

    @classmethod
    def from_args(cls, args, default_per_page: int = 20, strict: bool = False) -> "SearchQuery":
        """Parse and check URL parameters or options (any mapping kms.params.parse reads);
        raises ParameterError naming the parameter."""
        return cls.from_mapping(params.parse(params.SEARCH, args, strict), default_per_page)

    def selected(self, name: str) -> tuple[str, ...]:
        return self.filters.get(name, ())

    def as_args(self, filters: dict | None = None, page: int = 1, sort: str | None = None,
                years: tuple | None = None, q: str | None = None) -> list:
        """URL parameters of this query (every one it was given: a link keeps them all),
        optionally with other filters, page, sort, (year_from, year_to) or text."""
        q = self.q if q is None else q
        pairs = [("q", q)] if q else []
        for name, values in (self.filters if filters is None else filters).items():
            pairs += [(name, value) for value in values]
        for name, value in zip(("year_from", "year_to"), years or (self.year_from, self.year_to)):
            if value is not None:
                pairs.append((name, str(value)))
        sort = sort or self.sort
        if sort != "relevance":
            pairs.append(("sort", sort))
        if self.per_page_given:
            pairs.append(("per_page", str(self.per_page)))
        if page > 1:
            pairs.append(("page", str(page)))
        return pairs

    def without(self, name: str, value: str | None = None) -> list:
        """The URL parameters with one filter value (or a whole filter, or the years) removed."""
        if name in ("year_from", "year_to"):
            years = (None if name == "year_from" else self.year_from, None if name == "year_to" else self.year_to)
            return self.as_args(years=years)
        if name == "q":
            return [pair for pair in self.as_args() if pair[0] != "q"]
        kept = {k: tuple(v for v in values if k != name or (value is not None and v != value))
                for k, values in self.filters.items()}
        return self.as_args(filters={k: v for k, v in kept.items() if v})

    def has_filters(self) -> bool:
        return bool(self.filters) or self.year_from is not None or self.year_to is not None

