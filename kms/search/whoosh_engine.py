"""The Whoosh engine: the embedded default behind kms.search.engine.SearchEngine.

Documents arrive analysed, so the index holds no analyzer of ours (only Whoosh's own
whitespace tokenizer): moving or changing our analysis never breaks an index on disk. The
analysis version is kept beside the index in meta.json. Writes go through one file lock shared
by the commands and the web app; searches only read (a searcher per thread, refreshed when a
writer commits). Facet counts are exact and disjunctive, over per-document arrays
(kms/search/facets.py), not Whoosh's grouping.
"""
from __future__ import annotations

import functools
import json
import re
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Iterable

import numpy as np
from whoosh.analysis import RegexTokenizer
from whoosh.filedb.filestore import FileStorage
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.query import And, AndMaybe, Or, Phrase, Term

from kms import faults
from kms.filelock import file_lock as writer_lock   # one writer across commands and the web app
from kms.search import engine as seam
from kms.search.cache import PerGeneration
from kms.search.engine import EngineQuery, EngineResult, Hit, IndexDamaged, IndexDocument, Selected
from kms.search.facets import (MULTI, FacetArrays, disjunctive_counts, leading_hits, narrow, sorted_page,
                               swap_in)
from kms.search.whoosh_scoring import LENGTHS, LiveBM25F, live_stats

META = "meta.json"
FORMAT = 2              # 2: documents store their field lengths (live statistics need them)
TOKENS = re.compile(r"\S+")
RERANK = 100            # boost clauses re-rank this many of the best matches
POSTINGS_CACHE = 4096   # term posting lists kept as arrays (per index generation)
RECHECK_SECONDS = 0.5   # how often a searcher looks for another process's commit


def make_schema() -> Schema:
    terms = RegexTokenizer(TOKENS.pattern)      # terms arrive analysed, one per space
    fields = {"id": ID(stored=True, unique=True),
              "title": TEXT(analyzer=terms, field_boost=seam.FIELD_BOOSTS["title"]),
              "body": TEXT(analyzer=terms, field_boost=seam.FIELD_BOOSTS["body"]),
              "names": TEXT(analyzer=terms, field_boost=seam.FIELD_BOOSTS["names"]),
              "spell": TEXT(analyzer=terms),
              "sort_title": STORED(), "updated_key": STORED(), LENGTHS: STORED()}
    fields.update({f"f_{name}": STORED() for name in seam.FACETS})
    return Schema(**fields)


def _fields(doc: IndexDocument) -> dict:
    out = {"id": doc.id, "title": " ".join(doc.title), "body": " ".join(doc.body),
           "names": " ".join(doc.names),
           "spell": " ".join(doc.spell), "sort_title": doc.sort_title, "updated_key": doc.updated}
    out[LENGTHS] = {name: len(TOKENS.findall(out[name])) for name in ("title", "names", "body", "spell")}
    for name in seam.FACETS:
        values = doc.facets.get(name, ())
        out[f"f_{name}"] = " ".join(values) if name in MULTI else (values[0] if values else "")
    return out


def _storage(folder: Path) -> FileStorage:
    # no memory mapping: a truncated file would kill the process with SIGBUS
    return FileStorage(str(folder), supports_mmap=False)


def _guarded(method):
    """Any failure to read or write the index files is IndexDamaged (the caller rebuilds from
    the store)."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except IndexDamaged:
            raise
        except Exception as exc:    # whatever a damaged file makes Whoosh raise
            self._forget()
            raise IndexDamaged(f"index at {self.index_dir} cannot be read: {type(exc).__name__}: {exc}") from exc
    return wrapper


class WhooshEngine:
    name = "whoosh"

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.lock_path = self.index_dir.parent / "index.lock"
        self._local = threading.local()
        self._arrays: tuple[object, FacetArrays] | None = None
        self._arrays_lock = threading.Lock()
        self._postings: dict = {}
        self._fuzzy = PerGeneration()
        self._writes = 0            # commits by this process: searchers reopen after each

    # -- the index ----------------------------------------------------------------------------
    def exists(self) -> bool:
        try:
            return self.index_dir.is_dir() and _storage(self.index_dir).open_index().latest_generation() > -1
        except Exception:   # an unreadable table of contents: as good as missing
            return False

    def _meta(self) -> dict:
        try:
            meta = json.loads((self.index_dir / META).read_text(encoding="utf-8"))
            return meta if isinstance(meta, dict) else {}
        except (OSError, ValueError):
            return {}

    def analysis_version(self) -> str | None:
        meta = self._meta()
        return meta.get("analysis") if meta.get("format") == FORMAT else None   # else: rebuild

    def rebuild(self, documents: Iterable[IndexDocument], analysis_version: str) -> int:
        staging = self.index_dir.with_name(f"index.new-{uuid.uuid4().hex}")
        staging.mkdir(parents=True)
        try:
            ix = _storage(staging).create_index(make_schema())
            # One process, one segment, documents in store order: Whoosh's scores and tie order
            # depend on the segment layout, and a rebuild must answer as the last one did (a
            # writer per core built 100k in 86 s instead of about 2 minutes, but two segments
            # changed suggestions, and merged ones the order of ties).
            writer = ix.writer(limitmb=256)
            count = 0
            for doc in documents:
                writer.add_document(**_fields(doc))
                count += 1
            writer.commit()
            (staging / META).write_text(json.dumps({"analysis": analysis_version, "format": FORMAT,
                                                    "build": uuid.uuid4().hex}),
                                        encoding="utf-8")
            swap_in(staging, self.index_dir, writer_lock(self.lock_path))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._forget()
        self._writes += 1
        return count

    @_guarded
    def update(self, documents: Iterable[IndexDocument]) -> int:
        with writer_lock(self.lock_path):
            writer = self._open().writer()
            count = 0
            for doc in documents:
                writer.update_document(**_fields(doc))
                count += 1
            faults.point("index-commit")
            writer.commit()
        self._writes += 1
        return count

    @_guarded
    def remove(self, ids: Iterable[str]) -> int:
        ids = list(ids)
        if not ids or not self.exists():
            return 0
        with writer_lock(self.lock_path):
            writer = self._open().writer()
            for record_id in ids:
                writer.delete_by_term("id", record_id)
            writer.commit()
        self._writes += 1
        return len(ids)

    def _forget(self) -> None:
        """Drop every thread's searcher (this thread's closed now; others' when collected)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            try:
                searcher.close()
            except Exception:   # a damaged searcher may fail to close; it is dropped anyway
                pass
        self._local = threading.local()
        self._arrays = None
        self._postings = {}

    def _open(self):
        try:
            return _storage(self.index_dir).open_index()
        except Exception as exc:
            raise IndexDamaged(f"index at {self.index_dir} cannot be opened: {exc}") from exc

    # -- searching ----------------------------------------------------------------------------
    @_guarded
    def search(self, query: EngineQuery) -> EngineResult:
        searcher = self._searcher()
        arrays = self._facet_arrays(searcher)
        text_query = _whoosh_query(query.clauses, self._expander(searcher))
        if text_query is not None and not query.facets and not _narrowed(query) \
                and query.min_weight <= 0 and query.sort == "relevance" and not query.boosts:
            # one pass: scoring every match (no block skipping) counts them exactly
            total = 0

            def fetch(wanted):
                nonlocal total
                results = searcher.search(text_query, limit=wanted, optimize=False)
                total = len(results)
                return _read(results, wanted)
            stop = query.offset + query.limit
            page = leading_hits(fetch, stop, arrays.ids, first=stop + 16)[query.offset:stop]
            return EngineResult(total=total, facets={},
                                hits=tuple(Hit(arrays.ids[d], round(float(s), 3)) for d, s in page))
        matched, selections, final = self._masks(searcher, arrays, query, text_query)
        counts = disjunctive_counts(arrays, matched, selections) if query.facets else {}
        page = self._page(searcher, arrays, final, text_query, query)
        return EngineResult(total=int(np.count_nonzero(final)),
                            hits=tuple(Hit(arrays.ids[d], round(float(s), 3)) for d, s in page),
                            facets=counts)

    @_guarded
    def matching_ids(self, query: EngineQuery) -> list[str]:
        found = self.selected(query)
        return [found.ids[d] for d in np.flatnonzero(found.mask)]

    @_guarded
    def selected(self, query: EngineQuery) -> Selected:
        searcher = self._searcher()
        arrays = self._facet_arrays(searcher)
        _matched, _selections, final = self._masks(searcher, arrays, query,
                                                   _whoosh_query(query.clauses, self._expander(searcher)))
        return Selected(arrays, final, arrays.ids)

    def _masks(self, searcher, arrays: FacetArrays, query: EngineQuery, text_query):
        if text_query is not None:
            matched = np.zeros(arrays.size, dtype=bool)
            required = [c for c in query.clauses if c.required]
            if query.min_weight > 0 and not required:     # the weights say it all: one pass per clause
                matched = self._covered(searcher, arrays, query) >= query.min_weight - 1e-9
            else:
                docnums = np.fromiter(text_query.docs(searcher), dtype=np.int64)
                matched[docnums] = True
                if query.min_weight > 0:
                    matched &= self._covered(searcher, arrays, query) >= query.min_weight - 1e-9
            matched &= arrays.live
        else:   # no clauses: every document
            matched = arrays.live.copy()
        return narrow(arrays, matched, query)

    def _covered(self, searcher, arrays: FacetArrays, query: EngineQuery):
        """Per document, the summed weight of the optional clauses it matches."""
        covered = np.zeros(arrays.size, dtype=np.float64)
        expand = self._expander(searcher)
        for clause in query.clauses:
            if clause.required:
                continue
            hit = np.zeros(arrays.size, dtype=bool)
            for option in clause.options:
                for part in _option(option, expand):
                    hit[self._docnums(searcher, arrays, part)] = True
            covered[hit] += clause.weight
        return covered

    def _docnums(self, searcher, arrays: FacetArrays, part) -> np.ndarray:
        """The documents a Whoosh query part matches; a term's posting list is kept per index
        generation (the words people search for repeat), anything else is read each time."""
        if not isinstance(part, Term):
            return np.fromiter(part.docs(searcher), dtype=np.int64)
        key = (id(arrays), part.fieldname, part.text)
        with self._arrays_lock:
            cached = self._postings.get(key)
        if cached is None:
            cached = np.fromiter(part.docs(searcher), dtype=np.int64)
            with self._arrays_lock:
                if len(self._postings) >= POSTINGS_CACHE:
                    self._postings.clear()
                self._postings[key] = cached
        return cached

    def _page(self, searcher, arrays, final, text_query, query: EngineQuery):
        start, stop = query.offset, query.offset + query.limit
        if text_query is not None and query.sort == "relevance":
            if query.limit <= 0 or not final.any():
                return []
            narrowed = _narrowed(query) or query.min_weight > 0
            allowed = set(np.flatnonzero(final).tolist()) if narrowed else None   # else: every match

            def fetch(wanted):
                return _read(searcher.search(text_query, filter=allowed, limit=wanted), wanted)
            if not query.boosts:
                return leading_hits(fetch, stop, arrays.ids, first=stop + 16)[start:stop]
            # boosts re-rank the best RERANK matches (and their ties) by the clauses' own score
            # (a phrase checked on every match would cost seconds on a long query)
            scores = dict(leading_hits(fetch, max(stop, RERANK), arrays.ids))
            _add_boosts(searcher, query.boosts, scores, self._expander(searcher))
            ranked = sorted(scores.items(), key=lambda item: (-item[1], arrays.ids[item[0]]))
            return ranked[start:stop]
        return sorted_page(arrays, final, query)

    # -- vocabulary -----------------------------------------------------------------------------
    @_guarded
    def document_count(self) -> int:
        return self._searcher().reader().doc_count()

    # Frequencies count live documents only (kms.search.whoosh_scoring): a term left only in
    # deleted documents is no longer a word of the index.
    @_guarded
    def document_frequency(self, field: str, term: str) -> int:
        return live_stats(self._searcher()).term(field, term)[0]

    @_guarded
    def terms_with_prefix(self, field: str, prefix: str) -> list[tuple[str, int]]:
        return self._live_prefix(self._searcher(), field, prefix)

    def _live_prefix(self, searcher, field: str, prefix: str) -> list[tuple[str, int]]:
        """(term, live documents) of the terms starting with `prefix`, kept per generation."""
        stats = live_stats(searcher)

        def look():
            words = [_text(t) for t in searcher.reader().expand_prefix(field, prefix)]
            counted = [(t, stats.term(field, t)[0]) for t in words]
            return [(t, n) for t, n in counted if n]
        return self._fuzzy.get(self._generation(searcher), ("prefix", field, prefix), look)

    @_guarded
    def fuzzy_terms(self, field: str, word: str, max_distance: int) -> list[tuple[str, int, int]]:
        searcher = self._searcher()
        stats = live_stats(searcher)

        def look():     # Whoosh walks its term table: tens of milliseconds, so kept per generation
            found = [_text(t) for t in searcher.reader().terms_within(field, word, max_distance)]
            counted = [(t, *stats.term(field, t)) for t in found if t != word]
            return [(t, n, int(weight)) for t, n, weight in counted if n]
        return self._fuzzy.get(self._generation(searcher), (field, word, max_distance), look)

    @_guarded
    def phrase_count(self, field: str, terms: tuple[str, ...], slop: int = 1,
                     stop_at: int | None = None) -> int:
        terms = tuple(terms)
        if not terms:
            return 0
        searcher = self._searcher()
        if len(terms) == 1:
            return live_stats(searcher).term(field, terms[0])[0]
        count = 0
        for _docnum in Phrase(field, list(terms), slop=slop).docs(searcher):
            count += 1
            if stop_at is not None and count > stop_at:
                break
        return count

    # -- reading --------------------------------------------------------------------------------
    def _searcher(self):
        """This thread's searcher, reopened after a commit (ours at once, another process's
        within RECHECK_SECONDS: looking costs a directory listing, too much per term)."""
        local = self._local
        searcher = getattr(local, "searcher", None)
        now = time.monotonic()
        if searcher is not None and (local.writes != self._writes or now - local.checked > RECHECK_SECONDS):
            # a commit (a new generation) or a rebuild swapped in (a new build, whose
            # generation numbers start again)
            if local.build != self._meta().get("build") or not searcher.up_to_date():
                searcher.close()
                searcher = None
            local.checked, local.writes = now, self._writes
        if searcher is None:
            local.build = self._meta().get("build")
            searcher = self._open().searcher(weighting=LiveBM25F())
            local.checked, local.writes = now, self._writes
        local.searcher = searcher
        return searcher

    def _expander(self, searcher):
        """(field, prefix) -> the live terms starting with it (for this searcher's queries)."""
        return lambda field, prefix: [t for t, _n in self._live_prefix(searcher, field, prefix)]

    def _generation(self, searcher) -> tuple:
        reader = searcher.reader()
        # deletions can leave the generation as it was: the live document count tells them apart
        return (getattr(self._local, "build", None), reader.generation(), reader.doc_count(),
                reader.doc_count_all())

    def _facet_arrays(self, searcher) -> FacetArrays:
        reader = searcher.reader()
        generation = self._generation(searcher)
        with self._arrays_lock:
            if self._arrays and self._arrays[0] == generation:
                return self._arrays[1]
            arrays = FacetArrays(reader.doc_count_all())
            for docnum, stored in reader.iter_docs():
                arrays.add(docnum, stored)
            self._arrays = (generation, arrays)
            self._postings = {}      # posting lists of the previous generation are stale
            return arrays


def _add_boosts(searcher, boosts, scores: dict, expand) -> None:
    """Add each boost clause's score to the documents in `scores` it matches."""
    docnums = sorted(scores)
    for clause in boosts:
        for part in (q for option in clause.options for q in _option(option, expand)):
            matcher = part.matcher(searcher)
            for docnum in docnums:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                    if not matcher.is_active():
                        break
                if matcher.id() == docnum:
                    scores[docnum] += matcher.score()


def _read(results, wanted: int):
    """What kms.search.facets.leading_hits asks of a read: hits, the lowest score, the end."""
    hits = [(hit.docnum, hit.score) for hit in results]
    return hits, (hits[-1][1] if hits else 0.0), len(hits) < wanted


def _narrowed(query: EngineQuery) -> bool:
    """Filters or a year range select among the matches."""
    return bool(query.filters) or query.year_from is not None or query.year_to is not None


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _option(option, expand) -> list:
    if isinstance(option, seam.Term):
        return [Term(f, option.term, boost=option.boost) for f in option.fields]
    if isinstance(option, seam.Prefix):
        # expanded over the whole index's live terms, each term boosted: Whoosh's own Prefix
        # expands per segment, and drops its boost in a segment where one term matches
        parts = []
        for f in option.fields:
            words = [Term(f, w, boost=option.boost) for w in expand(f, option.prefix)]
            if words:
                parts.append(words[0] if len(words) == 1 else Or(words))
        return parts
    if len(option.terms) == 1:
        return [Term(f, option.terms[0], boost=option.boost) for f in option.fields]
    return [Phrase(f, list(option.terms), slop=option.slop, boost=option.boost) for f in option.fields]


def _whoosh_query(clauses, expand):
    """Whoosh's query for the seam's clauses (None: no clauses, every document)."""
    required, optional = [], []
    for clause in clauses:
        parts = [q for option in clause.options for q in _option(option, expand)]
        if not parts:
            continue
        (required if clause.required else optional).append(parts[0] if len(parts) == 1 else Or(parts))
    must = (required[0] if len(required) == 1 else And(required)) if required else None
    may = (optional[0] if len(optional) == 1 else Or(optional)) if optional else None
    if must is not None and may is not None:
        return AndMaybe(must, may)
    return must if must is not None else may

