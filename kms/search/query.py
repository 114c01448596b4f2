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

    @classmethod
    def from_mapping(cls, values: dict, default_per_page: int = 20) -> "SearchQuery":
        """From parsed values ({name: value}, as kms.params.parse answers for SEARCH)."""
        filters = {name: tuple(str(v) for v in values[name]) for name in FACETS if values.get(name)}
        return cls(q=values.get("q") or "", filters=filters, year_from=values.get("year_from"),
                   year_to=values.get("year_to"), page=values.get("page") or 1,
                   per_page=values.get("per_page") or default_per_page,
                   sort=values.get("sort") or "relevance")

    @classmethod
    def from_args(cls, args, default_per_page: int = 20, strict: bool = False) -> "SearchQuery":
        """Parse and check URL parameters or options (any mapping kms.params.parse reads);
        raises ParameterError naming the parameter."""
        return cls.from_mapping(params.parse(params.SEARCH, args, strict), default_per_page)

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

