"""Search results for people: highlighted titles and snippets (escaped first, then <mark>)
and facet values with their Indonesian labels, in display order. Used by the pages and the API."""
from __future__ import annotations

import itertools
from typing import Iterator

from markupsafe import Markup, escape

from kms.search import analysis
from kms.search.documents import document_text
from kms.search.labels import facet_label
from kms.search.parse import ParsedQuery

SNIPPET_CHARS = 220


def spans(text: str, parsed: ParsedQuery) -> list[tuple[int, int]]:
    """(start, end) character offsets of the words of `text` the query matched."""
    return list(_matches(text, parsed))


def _matches(text: str, parsed: ParsedQuery) -> Iterator[tuple[int, int]]:
    """The matched spans in order, read as far as the caller asks (a snippet needs a window of
    a long narrative, not all of it)."""
    if not parsed.terms and not parsed.prefixes:
        return
    for t in analysis.tokens(text):
        if (t.term in parsed.terms and not t.stop) or any(t.word.startswith(p) for p in parsed.prefixes):
            yield t.start, t.end


def mark(text: str, matched: list[tuple[int, int]]) -> Markup:
    """`text` escaped, with the matched spans wrapped in <mark>."""
    out, last = [], 0
    for start, end in matched:
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(body: str, parsed: ParsedQuery) -> Markup:
    """A short passage around the first match (the start of the text when nothing matched)."""
    text = " ".join(body.split())
    found = _matches(text, parsed)
    first = next(found, None)
    start = 0
    if first:
        start = max(0, first[0] - 60)
        while start > 0 and text[start - 1] not in " .":
            start -= 1
    end = min(len(text), start + SNIPPET_CHARS)
    while end < len(text) and text[end] not in " .":
        end += 1
    window = []
    for s, e in itertools.chain([first] if first else [], found):
        if s >= end:
            break           # the rest of the text is not shown
        if s >= start and e <= end:
            window.append((s - start, e - start))
    body_html = mark(text[start:end], window)
    return (Markup("… ") if start else Markup("")) + body_html + (Markup(" …") if end < len(text) else Markup(""))


def facet_order(name: str):
    if name == "year":
        return lambda item: -int(item["value"])
    if name == "sdg":
        return lambda item: int(item["value"])
    return lambda item: (-item["count"], item["label"])


def labeller(hub_labels: dict[str, str] | None = None):
    """label(name, value): facet_label, with each hub's label from its mapping."""
    hubs = hub_labels or {}
    return lambda name, value: hubs.get(value, value) if name == "hub" else facet_label(name, value)


def facet_lists(counts: dict, label=facet_label, limit: int | None = None) -> dict[str, list[dict]]:
    """facet -> [{value, label, count}] in display order: every value, or the first `limit`."""
    return {name: sorted(({"value": v, "label": label(name, v), "count": n}
                          for v, n in values.items()), key=facet_order(name))[:limit]
            for name, values in counts.items()}


def present(result, records: dict[str, dict], label=facet_label, facet_limit: int | None = None) -> dict:
    """What the pages and the API show: each hit with its record, title and snippet marked."""
    hits = []
    for hit in result.hits:
        record = records.get(hit.id) or {}
        title, body = document_text(record) if record else ("", "")
        hits.append({"id": hit.id, "score": hit.score, "record": record,
                     "title_html": mark(title, spans(title, result.parsed)),
                     "snippet": snippet(body, result.parsed)})
    return {"total": result.total, "hits": hits, "facets": facet_lists(result.facets, label, facet_limit),
            "page": result.page, "per_page": result.per_page,
            "corrected_query": result.corrected_query, "corrected": result.corrected,
            "match": result.match, "no_close_match": result.no_close_match,
            "expansions": [{"typed": typed, "alternative": alternative, "source": source}
                           for typed, alternative, source in result.parsed.expansions]}
