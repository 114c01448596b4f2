"""The Whoosh engine behind the search interface.

The index is rebuilt from SQLite at any time; writes go through one file lock shared by the
commands and the web app; searches only read (a searcher per generation, refreshed).
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from markupsafe import Markup, escape
from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.query import And, Or, Phrase, Prefix, Term

from kms.records import index_documents
from kms.search.analysis import STOP_WORDS, indonesian_analyzer, plain_analyzer
from kms.search.facets import FacetArrays, disjunctive_counts
from kms.search.labels import facet_label
from kms.search.query import FACETS, SearchQuery

SNIPPET_CHARS = 220


def make_schema() -> Schema:
    fields = {"id": ID(stored=True, unique=True),
              "title": TEXT(analyzer=indonesian_analyzer(), stored=True, field_boost=3.0),
              "body": TEXT(analyzer=indonesian_analyzer(), stored=True),
              "spell": TEXT(analyzer=plain_analyzer()),
              "updated_key": STORED()}
    fields.update({f"f_{name}": STORED() for name in FACETS})
    return Schema(**fields)


def document(record: dict) -> dict:
    """Index fields of one canonical record (facet values stored compactly)."""
    from kms.schema import SECTIONS

    body = "\n".join(str(record.get(name) or "") for name in
                     (*SECTIONS, "agency", "unit", "regency_name", "province_name", "category", "innovator"))
    doc = {"id": record["id"], "title": record["title"] or "", "body": body,
           "spell": f"{record['title']}\n{body}",
           "updated_key": int(re.sub(r"\D", "", record.get("updated_at") or "")[:14] or 0)}
    single = {"province": record.get("province_code"), "regency": record.get("regency_code"),
              "year": record.get("year"), "agency_type": record.get("agency_type"),
              "sector": record.get("sector"), "category": record.get("category"),
              "award": record.get("award"), "stage": record.get("stage"), "status": record.get("status")}
    for name, value in single.items():
        doc[f"f_{name}"] = str(value) if value not in (None, "") else ""
    doc["f_sdg"] = " ".join(str(n) for n in record.get("sdgs") or [])
    doc["f_hub"] = " ".join(sorted(set(record.get("hubs") or [])))
    return doc


@contextmanager
def writer_lock(lock_path: Path):
    """One writer at a time across processes (commands and the web app)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class WhooshEngine:
    """Search with filters and facets, suggestions, add/update records, rebuild."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.lock_path = self.index_dir.parent / "index.lock"
        self._local = threading.local()
        self._arrays: tuple[object, FacetArrays] | None = None
        self._arrays_lock = threading.Lock()
        self.title_analyzer = indonesian_analyzer()

    # -- writing ---------------------------------------------------------------------------
    def exists(self) -> bool:
        try:
            return whoosh_index.exists_in(str(self.index_dir))
        except Exception:   # unreadable table of contents: treat as missing, rebuild
            return False

    def ready(self, db) -> "WhooshEngine":
        """This engine, its index first built from the store if there is none."""
        if not self.exists():
            self.rebuild(db)
        return self

    def rebuild(self, db) -> int:
        """Build a fresh index from the store, then swap it in; answers the document count."""
        staging = self.index_dir.with_name(f"index.new-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        ix = whoosh_index.create_in(str(staging), make_schema())
        count = 0
        with writer_lock(self.lock_path):
            writer = ix.writer(limitmb=256)
            for record in index_documents(db):
                writer.add_document(**document(record))
                count += 1
            writer.commit()
            old = self.index_dir.with_name(f"index.old-{os.getpid()}")
            if self.index_dir.exists():
                os.replace(self.index_dir, old)
            os.replace(staging, self.index_dir)
            shutil.rmtree(old, ignore_errors=True)
        self._local = threading.local()
        self._refresh_signatures(db, None)
        return count

    def update(self, db, record_ids) -> int:
        """Rewrite the index entries of these records (a missing index is rebuilt)."""
        record_ids = sorted(set(record_ids))
        if not self.exists() or not self._healthy():
            return self.rebuild(db)
        if not record_ids:
            return 0
        with writer_lock(self.lock_path):
            ix = whoosh_index.open_dir(str(self.index_dir))
            writer = ix.writer()
            count = 0
            for record in index_documents(db, record_ids):
                writer.update_document(**document(record))
                count += 1
            writer.commit()
        self._refresh_signatures(db, record_ids)
        return count

    def _refresh_signatures(self, db, record_ids) -> None:
        """The similarity signatures follow the index (all, or these records)."""
        from kms.similar import save_signatures

        save_signatures(db, self, record_ids)

    def remove(self, record_ids) -> int:
        """Drop these records from the index."""
        if not self.exists():
            return 0
        with writer_lock(self.lock_path):
            writer = whoosh_index.open_dir(str(self.index_dir)).writer()
            for record_id in record_ids:
                writer.delete_by_term("id", record_id)
            writer.commit()
        return len(list(record_ids))

    def similar_candidates(self, record_id: str, terms: list[str], title_terms: list[str],
                           top: int = 40) -> list[str]:
        """Ids worth comparing with a record: the best matches for its most distinctive
        narrative words (stems, chosen by the caller) and its title's words (a replica often
        keeps the name: "KUNA" -> "KUNA Sinjai"). Never the record itself."""
        searcher = self._searcher()
        clauses = [Term("body", t) for t in terms] + [Term("title", t) for t in title_terms]
        if not clauses:
            return []
        hits = searcher.search(Or(clauses), limit=top + 1)
        return [hit["id"] for hit in hits if hit["id"] != record_id][:top]

    def phrase_frequency(self, phrase_words: list[str], stop_at: int | None = None) -> int:
        """How many records' narratives contain these words in this order (counting stops
        at `stop_at`: callers asking "at most N?" need not count them all)."""
        stems = [t.text for t in self.title_analyzer(" ".join(phrase_words))]
        if not stems:
            return 0
        searcher = self._searcher()
        reader = searcher.reader()
        rarest = min(reader.doc_frequency("body", stem) for stem in stems)
        if len(stems) == 1 or (stop_at is not None and rarest <= stop_at):
            return rarest if len(stems) == 1 else min(rarest, stop_at)
        count = 0
        for _docnum in Phrase("body", stems, slop=2).docs(searcher):   # stop words were dropped
            count += 1
            if stop_at is not None and count > stop_at:
                break
        return count

    def document_frequencies(self):
        """A function stem -> (docs with it in the narrative, docs in the index), for the
        current generation (cached; one call per request keeps it cheap)."""
        reader = self._searcher().reader()
        generation = (str(self.index_dir), reader.generation(), reader.doc_count())
        cache = getattr(self._local, "df_cache", None)
        if cache is None or cache[0] != generation:
            cache = (generation, {})
            self._local.df_cache = cache
        table, total = cache[1], reader.doc_count()

        def frequency(stem: str) -> tuple[int, int]:
            if stem not in table:
                table[stem] = reader.doc_frequency("body", stem)
            return table[stem], total
        return frequency

    def _healthy(self) -> bool:
        try:
            ix = whoosh_index.open_dir(str(self.index_dir))
            with ix.searcher() as searcher:
                searcher.doc_count()
            return True
        except Exception:   # a corrupt index of any kind is rebuilt from SQLite
            return False

    # -- reading ---------------------------------------------------------------------------
    def _searcher(self):
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None and not searcher.up_to_date():
            searcher.close()   # a writer committed: open the new generation
            searcher = None
        if searcher is None:
            searcher = whoosh_index.open_dir(str(self.index_dir)).searcher()
        self._local.searcher = searcher
        return searcher

    def _facet_arrays(self, searcher) -> FacetArrays:
        reader = searcher.reader()
        # deletions can leave the generation as it was: the live document count tells them apart
        generation = (str(self.index_dir), reader.generation(), reader.doc_count(), reader.doc_count_all())
        with self._arrays_lock:
            if self._arrays and self._arrays[0] == generation:
                return self._arrays[1]
            arrays = FacetArrays(reader.doc_count_all())
            titles = {}
            for docnum, stored in reader.iter_docs():
                arrays.add(docnum, stored)
                titles[docnum] = stored.get("title", "").lower()
            arrays.finish(titles)
            self._arrays = (generation, arrays)
            return arrays

    def search(self, query: SearchQuery) -> dict:
        """Hits, exact disjunctive facet counts and a spelling correction."""
        searcher = self._searcher()
        arrays = self._facet_arrays(searcher)
        corrected_query = self.correction(searcher, query.q) if query.q else None
        found = self._run(searcher, arrays, query, query.q)
        corrected = False
        if found["total"] == 0 and corrected_query:
            retry = self._run(searcher, arrays, query, corrected_query)
            if retry["total"]:
                found, corrected = retry, True
        found.update({"page": query.page, "per_page": query.per_page,
                      "corrected_query": corrected_query, "corrected": corrected})
        return found

    def matching_ids(self, query: SearchQuery) -> list[str]:
        """Every record id the query and its filters select (no paging, no ranking)."""
        searcher = self._searcher()
        arrays = self._facet_arrays(searcher)
        text_query, _stems, _prefixes = build_query(query.q, self.title_analyzer)
        _matched, _selections, final = self._masks(searcher, arrays, query, text_query)
        return [arrays.ids[d] for d in np.flatnonzero(final)]

    def _masks(self, searcher, arrays: FacetArrays, query: SearchQuery, text_query):
        if text_query is not None:
            matched = np.zeros(arrays.size, dtype=bool)
            docnums = np.fromiter(text_query.docs(searcher), dtype=np.int64)
            matched[docnums] = True
            matched &= arrays.live
        else:   # no words, or only stop words: every record
            matched = arrays.live.copy()
        matched &= arrays.year_mask(query.year_from, query.year_to)
        selections = {name: arrays.selection_mask(name, values) for name, values in query.filters.items()}
        final = matched.copy()
        for selection in selections.values():
            final &= selection
        return matched, selections, final

    def _run(self, searcher, arrays: FacetArrays, query: SearchQuery, text: str) -> dict:
        text_query, stems, prefixes = build_query(text, self.title_analyzer)
        matched, selections, final = self._masks(searcher, arrays, query, text_query)
        counts = disjunctive_counts(arrays, matched, selections)
        total = int(np.count_nonzero(final))
        start = (query.page - 1) * query.per_page
        page = self._page(searcher, arrays, final, text_query, query, start)
        hits = []
        for docnum, score in page:
            stored = searcher.stored_fields(docnum)
            hits.append({"id": stored["id"], "score": round(float(score), 3),
                         "snippet": snippet(stored.get("body", ""), stems, prefixes, self.title_analyzer),
                         "title_html": mark(stored.get("title", ""), stems, prefixes, self.title_analyzer)})
        facets = {name: sorted(({"value": v, "label": facet_label(name, v), "count": n}
                                for v, n in counts[name].items()), key=_facet_order(name))
                  for name in FACETS}
        return {"total": total, "hits": hits, "facets": facets}

    def _page(self, searcher, arrays, final, text_query, query, start):
        if text_query is not None and query.sort == "relevance":
            allowed = set(np.flatnonzero(final).tolist())
            if not allowed:
                return []
            results = searcher.search(text_query, filter=allowed, limit=start + query.per_page)
            return [(hit.docnum, hit.score) for hit in results[start:start + query.per_page]]
        docnums = np.flatnonzero(final)
        if query.sort == "title":
            order = np.argsort(arrays.title_rank[docnums], kind="stable")
        else:   # newest (also relevance without words): year, then last update, newest first
            order = np.lexsort((-arrays.updated[docnums], -arrays.year[docnums]))
        chosen = docnums[order][start:start + query.per_page]
        return [(int(d), 0.0) for d in chosen]

    def correction(self, searcher, text: str) -> str | None:
        """The query with words unknown to the index replaced by the closest known word."""
        reader = searcher.reader()
        corrector = searcher.corrector("spell")
        changed = False
        out = []
        for token in re.findall(r'"|[^\s"]+', text):
            word = token.lower()
            if token == '"' or word in STOP_WORDS or not word.isalpha() or len(word) < 4 \
                    or reader.doc_frequency("spell", word) > 0:
                out.append(token)
                continue
            suggestions = corrector.suggest(word, limit=1, maxdist=2)
            if suggestions and suggestions[0] != word:
                out.append(suggestions[0])
                changed = True
            else:
                out.append(token)
        if not changed:
            return None
        return re.sub(r'\s*"\s*', '"', " ".join(out)) if '"' in text else " ".join(out)

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Known words starting with `prefix` (for autocompletion)."""
        prefix = prefix.lower().strip()
        if len(prefix) < 2:
            return []
        reader = self._searcher().reader()
        words = [w.decode() if isinstance(w, bytes) else w for w in reader.expand_prefix("spell", prefix)]
        return sorted(words, key=lambda w: -reader.doc_frequency("spell", w))[:limit]

    def document_ids(self) -> list[str]:
        """Every indexed record id (for rebuild checks)."""
        return sorted(i for i in self._facet_arrays(self._searcher()).ids if i)


def _facet_order(name: str):
    if name == "year":
        return lambda item: -int(item["value"])
    if name == "sdg":
        return lambda item: int(item["value"])
    return lambda item: (-item["count"], item["label"])


def build_query(text: str, analyzer):
    """Whoosh query for free text: quoted phrases, and every word (stemmed, or as a prefix)
    in the title or body. Syntax that does not parse is read as plain words."""
    phrases = re.findall(r'"([^"]+)"', text)
    rest = re.sub(r'"[^"]+"', " ", text).replace('"', " ")
    clauses, stems, prefixes = [], set(), set()
    for phrase in phrases:
        tokens = [t.text for t in analyzer(phrase)]
        stems.update(tokens)
        if len(tokens) == 1:
            clauses.append(Or([Term("title", tokens[0]), Term("body", tokens[0])]))
        elif tokens:
            clauses.append(Or([Phrase("title", tokens), Phrase("body", tokens)]))
    for raw in re.findall(r"[\w-]+", rest.lower()):
        tokens = [t.text for t in analyzer(raw)]
        if not tokens:
            continue
        options = []
        for token in tokens:
            stems.add(token)
            options += [Term("title", token), Term("body", token)]
        if len(raw) >= 4 and raw.isalpha():
            prefixes.add(raw)
            options += [Prefix("title", raw, boost=0.5), Prefix("body", raw, boost=0.5)]
        clauses.append(Or(options))
    if not clauses:
        return None, stems, prefixes
    return (clauses[0] if len(clauses) == 1 else And(clauses)), stems, prefixes


def _matches(text: str, stems: set[str], prefixes: set[str], analyzer):
    """(start, end) character spans of the words in `text` that the query matched."""
    spans = []
    for token in analyzer(text, chars=True, removestops=False):
        if token.text in stems or any(text[token.startchar:token.endchar].lower().startswith(p) for p in prefixes):
            spans.append((token.startchar, token.endchar))
    return spans


def mark(text: str, stems: set[str], prefixes: set[str], analyzer, spans=None) -> Markup:
    """`text` escaped, with matched words wrapped in <mark> (escaping comes first)."""
    spans = _matches(text, stems, prefixes, analyzer) if spans is None else spans
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(body: str, stems: set[str], prefixes: set[str], analyzer) -> Markup:
    """A short passage around the first match (the start of the text when nothing matched)."""
    text = " ".join(body.split())
    spans = _matches(text, stems, prefixes, analyzer) if stems or prefixes else []
    start = 0
    if spans:
        start = max(0, spans[0][0] - 60)
        while start > 0 and text[start - 1] not in " .":
            start -= 1
    end = min(len(text), start + SNIPPET_CHARS)
    while end < len(text) and text[end] not in " .":
        end += 1
    window = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    body_html = mark(text[start:end], stems, prefixes, analyzer, window)
    return (Markup("… ") if start else Markup("")) + body_html + (Markup(" …") if end < len(text) else Markup(""))
