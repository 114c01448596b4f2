"""Record -> index document: the one function that decides what an engine holds."""
from __future__ import annotations

import re

from kms.awards import facet_values
from kms.schema import SECTIONS
from kms.search import analysis
from kms.search.engine import IndexDocument

NARRATIVE_FIELDS = (*SECTIONS, "category", "innovator")
NAME_FIELDS = ("agency", "unit", "regency_name", "province_name")
BODY_FIELDS = (*SECTIONS, *NAME_FIELDS, "category", "innovator")     # as shown and highlighted
_SINGLE = {"province": "province_code", "regency": "regency_code", "year": "year",
           "agency_type": "agency_type", "sector": "sector", "category": "category",
           "stage": "stage", "status": "status", "agency": "agency",
           "digital": "digital"}


def _joined(record: dict, fields: tuple[str, ...]) -> str:
    return "\n".join(str(record.get(name) or "") for name in fields)


def document_text(record: dict) -> tuple[str, str]:
    """(title, body) as snippets show and highlight them: the narrative sections and the names
    (the index holds the names apart: index_document)."""
    return record.get("title") or "", _joined(record, BODY_FIELDS)


def index_document(record: dict) -> IndexDocument:
    """The index document of one canonical record (`hubs`: its active hubs)."""
    title = record.get("title") or ""
    body, names = _joined(record, NARRATIVE_FIELDS), _joined(record, NAME_FIELDS)
    facets = {name: (str(record[key]),) if record.get(key) not in (None, "") else ()
              for name, key in _SINGLE.items()}
    facets["sdg"] = tuple(dict.fromkeys(str(n) for n in record.get("sdgs") or []))
    facets["award"] = facet_values(record)
    facets["hub"] = tuple(sorted(set(record.get("hubs") or [])))
    title_tokens, body_tokens = list(analysis.tokens(title)), list(analysis.tokens(body))
    name_tokens = list(analysis.tokens(names))
    return IndexDocument(
        id=record["id"], title=tuple(analysis.terms(title_tokens)), body=tuple(analysis.terms(body_tokens)),
        names=tuple(analysis.terms(name_tokens)),
        spell=tuple(analysis.spelling_words(title_tokens + body_tokens + name_tokens)), facets=facets,
        year=int(record.get("year") or 0),
        updated=int(re.sub(r"\D", "", record.get("updated_at") or "")[:14] or 0),
        sort_title=title.lower())
