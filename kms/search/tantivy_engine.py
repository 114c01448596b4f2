"""The tantivy engine (the Rust engine's official bindings) behind kms.search.engine.SearchEngine,
for national scale. Chosen with KMS_SEARCH_ENGINE=tantivy.

Documents arrive analysed: title, body and spelling terms are indexed with tantivy's whitespace
tokenizer (nothing of ours inside the index). Each document carries a dense number (`ord`, a
fast field) so per-document numpy arrays serve facets, years, sorting and the weighted coverage
rule exactly as in the Whoosh engine (kms/search/facets.py). The spelling vocabulary (documents
and occurrences per word, for corrections) is kept beside the index in vocab.json. Writes go
through the same file lock as every other writer.
"""
from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
import time
import uuid
import zlib
from collections import Counter
from pathlib import Path
from typing import Iterable

import numpy as np
import tantivy
from rapidfuzz.distance import Levenshtein

from kms import faults
from kms.filelock import file_lock as writer_lock
from kms.search import engine as seam
from kms.search.engine import EngineQuery, EngineResult, Hit, IndexDamaged, IndexDocument, Selected
from kms.search.cache import PerGeneration
from kms.search.facets import MULTI, FacetArrays, disjunctive_counts, leading_hits, narrow, sorted_page, swap_in

META = "kms-meta.json"     # tantivy keeps its own meta.json
VOCAB = "vocab.json"
HEAP = 64_000_000
OWN_FILES = {"meta.json", ".managed.json", META, "vocab.json"}   # rewritten by every commit
RECHECK_SECONDS = 0.5
POSTINGS_CACHE = 4096


def make_schema():
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_unsigned_field("ord", stored=True, indexed=True, fast=True)
    for name in ("title", "names", "body", "spell"):
        builder.add_text_field(name, stored=name == "spell", tokenizer_name="whitespace")
    builder.add_text_field("data", stored=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


def _guarded(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except IndexDamaged:
            raise
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as exc:     # what a damaged file makes tantivy raise (a Rust panic too)
            self._forget()
            raise IndexDamaged(f"index at {self.index_dir} cannot be read: {type(exc).__name__}: {exc}") from exc
    return wrapper


def _stored(doc: IndexDocument) -> dict:
    facets = {}
    for name in seam.FACETS:
        values = doc.facets.get(name, ())
        facets[f"f_{name}"] = " ".join(values) if name in MULTI else (values[0] if values else "")
    return {**facets, "sort_title": doc.sort_title, "updated_key": doc.updated, "year": doc.year}


class TantivyEngine:
    name = "tantivy"

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.lock_path = self.index_dir.parent / "index.lock"
        self._lock = threading.RLock()
        self._index = None
        self._checked = 0.0
        self._build = None
        self._arrays: tuple[object, FacetArrays] | None = None
        self._postings: dict = {}
        self._vocab: tuple[float, dict] | None = None
        self._fuzzy = PerGeneration()
        self._seen: dict[str, tuple[int, int]] = {}
        self._meta_cache: tuple | None = None

    # -- the index ----------------------------------------------------------------------------
    def _meta(self) -> dict:
        """The commit record, read again only when its file changed (every engine call asks)."""
        path = os.path.join(self.index_dir, META)
        try:
            stat = os.stat(path)
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            cached = self._meta_cache
            if cached is not None and cached[0] == stamp:
                return cached[1]
            with open(path, encoding="utf-8") as handle:
                meta = json.load(handle)
            meta = meta if isinstance(meta, dict) else {}
        except (OSError, ValueError):
            return {}
        files = [(name, os.path.join(self.index_dir, name), size, crc)
                 for name, (size, crc) in (meta.get("files") or {}).items()]
        self._meta_cache = (stamp, meta, files)
        return meta

    def _recorded_files(self) -> list[tuple[str, str, int, int]]:
        self._meta()
        return self._meta_cache[2] if self._meta_cache else []

    def exists(self) -> bool:
        if not (self.index_dir / META).exists():
            return False
        try:
            tantivy.Index.open(str(self.index_dir)).searcher()
            return True
        except Exception:
            return False

    def analysis_version(self) -> str | None:
        return self._meta().get("analysis")

    def rebuild(self, documents: Iterable[IndexDocument], analysis_version: str) -> int:
        staging = self.index_dir.with_name(f"index.new-{uuid.uuid4().hex}")
        staging.mkdir(parents=True)
        try:
            index = tantivy.Index(make_schema(), path=str(staging))
            writer = index.writer(HEAP, 1)
            vocab: dict[str, list[int]] = {}
            arrays = FacetArrays(1024)
            count = 0
            for doc in documents:
                writer.add_document(self._document(doc, count))
                _count_words(vocab, doc.spell, +1)
                if count >= arrays.size:
                    arrays.grow(2 * arrays.size)
                arrays.add(count, {"id": doc.id, **_stored(doc)})
                count += 1
            writer.commit()
            writer.wait_merging_threads()
            del writer
            stamp = uuid.uuid4().hex
            arrays.trim(count)
            arrays.save(staging, stamp)
            (staging / VOCAB).write_text(json.dumps(vocab), encoding="utf-8")
            (staging / META).write_text(json.dumps({"analysis": analysis_version, "build": uuid.uuid4().hex,
                                                    "next_ord": count, "facets": stamp,
                                                    "files": _fingerprint(staging)}), encoding="utf-8")
            swap_in(staging, self.index_dir, writer_lock(self.lock_path))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._forget()
        return count

    def _document(self, doc: IndexDocument, ord_: int):
        out = tantivy.Document()
        out.add_text("id", doc.id)
        out.add_unsigned("ord", ord_)
        out.add_text("title", " ".join(doc.title))
        out.add_text("body", " ".join(doc.body))
        out.add_text("names", " ".join(doc.names))
        out.add_text("spell", " ".join(doc.spell))
        out.add_text("data", json.dumps(_stored(doc), ensure_ascii=False))
        return out

    def _write(self, documents: list[IndexDocument], removed: list[str]) -> int:
        with writer_lock(self.lock_path):
            meta = self._meta()
            index = tantivy.Index.open(str(self.index_dir))
            index.reload()
            searcher = index.searcher()
            vocab = self._read_vocab()
            schema = index.schema
            arrays = self._saved_arrays(searcher, meta, writable=True)
            writer = index.writer(HEAP, 1)
            next_ord = int(meta.get("next_ord", 0))
            for record_id in list(removed) + [d.id for d in documents]:
                hits = searcher.search(tantivy.Query.term_query(schema, "id", record_id), 10).hits
                for _score, address in hits:
                    _count_words(vocab, tuple(searcher.doc(address).to_dict().get("spell", [""])[0].split()), -1)
                for ord_ in (searcher.fast_field_values("ord", [a for _s, a in hits]) if hits else []):
                    arrays.kill(int(ord_))
                writer.delete_documents_by_term("id", record_id)
            arrays.grow(next_ord + len(documents))
            for doc in documents:
                writer.add_document(self._document(doc, next_ord))
                _count_words(vocab, doc.spell, +1)
                arrays.add(next_ord, {"id": doc.id, **_stored(doc)})
                next_ord += 1
            faults.point("index-commit")
            writer.commit()
            writer.wait_merging_threads()
            del writer
            stamp = uuid.uuid4().hex
            arrays.save(self.index_dir, stamp)
            (self.index_dir / VOCAB).write_text(json.dumps(vocab), encoding="utf-8")
            (self.index_dir / META).write_text(json.dumps({**meta, "next_ord": next_ord, "facets": stamp,
                                                           "files": _fingerprint(self.index_dir)}),
                                               encoding="utf-8")
        self._forget()
        return len(documents) or len(removed)

    @_guarded
    def update(self, documents: Iterable[IndexDocument]) -> int:
        documents = list(documents)
        return self._write(documents, []) if documents else 0

    @_guarded
    def remove(self, ids: Iterable[str]) -> int:
        ids = list(ids)
        if not ids or not self.exists():
            return 0
        self._write([], ids)
        return len(ids)

    def _forget(self) -> None:
        with self._lock:
            self._index = None
            self._arrays = None
            self._postings = {}
            self._vocab = None
            self._seen = {}

    # -- reading --------------------------------------------------------------------------------
    def _searcher(self, check_files: bool = True):
        """One index per process, reloaded after a commit (ours, or another process's within
        RECHECK_SECONDS); its files checked against the fingerprints of the last commit first.
        `check_files` False: the vocabulary look-ups a search makes (tens a request: frequencies
        of every word in every field) skip the per-file check; the search itself, which every
        request makes, checks, so damage still answers 503 at once."""
        with self._lock:
            now = time.monotonic()
            if self._index is None or self._build != self._meta().get("build"):
                if not (self.index_dir / META).exists():
                    raise IndexDamaged(f"no index at {self.index_dir}")
                self._verify(full=True)
                self._index = tantivy.Index.open(str(self.index_dir))
                self._build = self._meta().get("build")
                self._checked = now
            else:
                if check_files:
                    self._verify(full=False)
                if now - self._checked > RECHECK_SECONDS:
                    self._index.reload()
                    self._checked = now
            return self._index.searcher()

    def _verify(self, full: bool) -> None:
        """Raise IndexDamaged when a recorded segment file is missing, resized or (when its
        modification time moved, or `full`) no longer has its checksum. A commit by another
        process rewrites the record: read again before calling it damage."""
        for attempt in (0, 1):
            bad = None
            for name, path, size, crc in self._recorded_files():
                try:
                    stat = os.stat(path)
                except OSError:
                    bad = f"{name} is missing"
                    break
                seen = self._seen.get(name)
                if stat.st_size != size:
                    bad = f"{name} has {stat.st_size} bytes, {size} recorded"
                    break
                if full or seen != (stat.st_size, stat.st_mtime_ns):
                    if _crc(path) != crc:
                        bad = f"{name} fails its checksum"
                        break
                    self._seen[name] = (stat.st_size, stat.st_mtime_ns)
            if bad is None:
                return
            if attempt == 0:
                time.sleep(0.05)        # a commit in another process may be writing the record
        self._index = None
        raise IndexDamaged(f"index at {self.index_dir} is damaged: {bad}")

    def _read_vocab(self) -> dict:
        try:
            return json.loads((self.index_dir / VOCAB).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _vocabulary(self) -> dict:
        path = self.index_dir / VOCAB
        stamp = path.stat().st_mtime_ns if path.exists() else 0
        with self._lock:
            if self._vocab is None or self._vocab[0] != stamp:
                self._vocab = (stamp, self._read_vocab())
            return self._vocab[1]

    def _facet_arrays(self, searcher):
        """The facet arrays of this searcher's documents: those saved with the last commit,
        memory-mapped (nothing rebuilt per document); built from the stored documents only
        when the saved ones are missing or belong to another commit."""
        key = (self._build, searcher.num_docs, self._meta().get("next_ord"), _segments(searcher))
        with self._lock:
            if self._arrays and self._arrays[0] == key:
                return self._arrays[1], self._arrays[1].ids
        arrays = self._saved_arrays(searcher, self._meta())
        with self._lock:
            self._arrays = (key, arrays)
            self._postings = {}
        return arrays, arrays.ids

    def _saved_arrays(self, searcher, meta: dict, writable: bool = False) -> FacetArrays:
        loaded = FacetArrays.load(self.index_dir, writable)
        if loaded is not None:
            arrays, header = loaded
            if header.get("stamp") == meta.get("facets") and header.get("live") == searcher.num_docs \
                    and arrays.size == int(meta.get("next_ord", 0)):
                return arrays
        return self._arrays_from_documents(searcher, meta)

    def _arrays_from_documents(self, searcher, meta: dict) -> FacetArrays:
        """Arrays read from every stored document (an index from before saved arrays, or a
        reader between a commit and its arrays)."""
        arrays = FacetArrays(int(meta.get("next_ord", 0)))
        hits = searcher.search(tantivy.Query.all_query(), max(1, searcher.num_docs), count=False).hits
        addresses = [address for _score, address in hits]
        ords = searcher.fast_field_values("ord", addresses) if addresses else []
        for address, ord_ in zip(addresses, ords):
            stored = searcher.doc(address).to_dict()
            arrays.grow(int(ord_) + 1)
            arrays.add(int(ord_), {"id": stored["id"][0], **json.loads(stored["data"][0])})
        return arrays

    def _ords(self, searcher, query) -> np.ndarray:
        hits = searcher.search(query, max(1, searcher.num_docs), count=False).hits
        if not hits:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(searcher.fast_field_values("ord", [address for _s, address in hits]), dtype=np.int64)

    def _option_ords(self, searcher, schema, option) -> np.ndarray:
        key = (self._build, _segments(searcher), repr(option))
        with self._lock:
            cached = self._postings.get(key)
        if cached is None:
            cached = self._ords(searcher, _option_query(schema, option))
            with self._lock:
                if len(self._postings) >= POSTINGS_CACHE:
                    self._postings.clear()
                self._postings[key] = cached
        return cached

    # -- searching ----------------------------------------------------------------------------
    @_guarded
    def search(self, query: EngineQuery) -> EngineResult:
        searcher = self._searcher()
        arrays, ids = self._facet_arrays(searcher)
        matched, selections, final = self._masks(searcher, arrays, query)
        counts = disjunctive_counts(arrays, matched, selections) if query.facets else {}
        page = self._page(searcher, arrays, final, query)
        return EngineResult(total=int(np.count_nonzero(final)),
                            hits=tuple(Hit(str(ids[d]), round(float(s), 3)) for d, s in page), facets=counts)

    @_guarded
    def matching_ids(self, query: EngineQuery) -> list[str]:
        found = self.selected(query)
        return [str(found.ids[d]) for d in np.flatnonzero(found.mask)]

    @_guarded
    def selected(self, query: EngineQuery) -> Selected:
        searcher = self._searcher()
        arrays, ids = self._facet_arrays(searcher)
        _matched, _selections, final = self._masks(searcher, arrays, query)
        return Selected(arrays, final, ids)

    def _clause_mask(self, searcher, schema, arrays, clause) -> np.ndarray:
        hit = np.zeros(arrays.size, dtype=bool)
        for option in clause.options:
            ords = self._option_ords(searcher, schema, option)
            hit[ords[ords < arrays.size]] = True
        return hit

    def _masks(self, searcher, arrays: FacetArrays, query: EngineQuery):
        schema = self._index.schema
        clauses = [c for c in query.clauses if c.options]
        if clauses:
            matched = arrays.live.copy()
            optional = [c for c in clauses if not c.required]
            for clause in clauses:
                if clause.required:
                    matched &= self._clause_mask(searcher, schema, arrays, clause)
            if optional:
                covered = np.zeros(arrays.size, dtype=np.float64)
                for clause in optional:
                    covered[self._clause_mask(searcher, schema, arrays, clause)] += clause.weight
                if query.min_weight > 0:
                    matched &= covered >= query.min_weight - 1e-9
                elif not any(c.required for c in clauses):
                    matched &= covered > 0
        else:
            matched = arrays.live.copy()
        return narrow(arrays, matched, query)

    def _page(self, searcher, arrays, final, query: EngineQuery):
        start, stop = query.offset, query.offset + query.limit
        clauses = [c for c in query.clauses if c.options]
        if clauses and query.sort == "relevance":
            if query.limit <= 0 or not final.any():
                return []
            schema = self._index.schema
            selection = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, _clause_query(schema, c)) for c in clauses])
            parts = [(tantivy.Occur.Must, selection)]
            parts += [(tantivy.Occur.Should, _clause_query(schema, c)) for c in query.boosts if c.options]
            ranked = tantivy.Query.boolean_query(parts)
            ids = arrays.ids

            def fetch(wanted):
                hits = searcher.search(ranked, wanted, count=False).hits
                ords = searcher.fast_field_values("ord", [address for _s, address in hits]) if hits else []
                kept = [(int(o), float(score)) for (score, _a), o in zip(hits, ords) if final[int(o)]]
                exhausted = len(hits) < wanted or wanted >= searcher.num_docs
                return kept, (float(hits[-1][0]) if hits else 0.0), exhausted
            return leading_hits(fetch, stop, ids)[start:stop]
        return sorted_page(arrays, final, query)

    # -- vocabulary -----------------------------------------------------------------------------
    @_guarded
    def stale_statistics(self) -> int:
        """Documents deleted or rewritten since the last rebuild: tantivy keeps counting them in
        its relevance statistics until it merges their segment (kms.sync compacts)."""
        return max(0, int(self._meta().get("next_ord", 0)) - self._searcher(check_files=False).num_docs)

    @_guarded
    def document_count(self) -> int:
        return self._searcher(check_files=False).num_docs

    # Frequencies count live documents: tantivy's own count deleted ones until a merge (the
    # spelling vocabulary is kept live at every commit; other fields are counted).
    @_guarded
    def document_frequency(self, field: str, term: str) -> int:
        searcher = self._searcher(check_files=False)
        if field == seam.SPELL_FIELD:
            return self._vocabulary().get(term, (0, 0))[0]
        return searcher.search(tantivy.Query.term_query(self._index.schema, field, term), 1, count=True).count

    @_guarded
    def terms_with_prefix(self, field: str, prefix: str) -> list[tuple[str, int]]:
        found = [t for t, _n in self._searcher(check_files=False).terms_with_prefix(field, prefix)]
        counted = [(t, self.document_frequency(field, t)) for t in found]
        return [(t, n) for t, n in counted if n]

    @_guarded
    def fuzzy_terms(self, field: str, word: str, max_distance: int) -> list[tuple[str, int, int]]:
        self._searcher(check_files=False)
        vocab = self._vocabulary() if field == seam.SPELL_FIELD else {}

        def look():     # a walk over the whole vocabulary, so kept per vocabulary
            return [(term, docs, occurrences) for term, (docs, occurrences) in sorted(vocab.items())
                    if term != word and docs > 0 and abs(len(term) - len(word)) <= max_distance
                    and Levenshtein.distance(term, word, score_cutoff=max_distance) <= max_distance]
        stamp = self._vocab[0] if self._vocab else None
        return self._fuzzy.get((self._build, stamp), (field, word, max_distance), look)

    @_guarded
    def phrase_count(self, field: str, terms: tuple[str, ...], slop: int = 1,
                     stop_at: int | None = None) -> int:
        terms = tuple(terms)
        if not terms:
            return 0
        searcher = self._searcher(check_files=False)
        if len(terms) == 1:
            return self.document_frequency(field, terms[0])
        query = tantivy.Query.phrase_query(self._index.schema, field, list(terms), max(0, slop - 1))
        return searcher.search(query, 1, count=True).count


def _fingerprint(folder: Path) -> dict[str, list[int]]:
    """{file: [size, crc32]} of the index's segment files, recorded at each commit: a file that
    no longer matches is damage, caught before tantivy reads it (a damaged segment can make it
    panic, hang, or kill the process through a memory map)."""
    out = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name not in OWN_FILES and not path.name.endswith((".lock", ".tmp")):
            out[path.name] = [path.stat().st_size, _crc(path)]
    return out


def _crc(path: Path) -> int:
    value = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            value = zlib.crc32(chunk, value)
    return value


def _segments(searcher) -> int:
    return searcher.num_segments


def _count_words(vocab: dict, words: tuple[str, ...], sign: int) -> None:
    for word, n in Counter(words).items():
        docs, occurrences = vocab.get(word, (0, 0))
        docs, occurrences = docs + sign, occurrences + sign * n
        if docs <= 0:
            vocab.pop(word, None)
        else:
            vocab[word] = [docs, occurrences]


def _field_query(schema, field: str, option):
    if isinstance(option, seam.Term):
        query = tantivy.Query.term_query(schema, field, option.term)
    elif isinstance(option, seam.Prefix):
        query = tantivy.Query.regex_query(schema, field, re.escape(option.prefix) + ".*")
    elif len(option.terms) == 1:
        query = tantivy.Query.term_query(schema, field, option.terms[0])
    else:
        query = tantivy.Query.phrase_query(schema, field, list(option.terms), max(0, option.slop - 1))
    boost = option.boost * seam.FIELD_BOOSTS.get(field, 1.0)
    return tantivy.Query.boost_query(query, boost) if boost != 1.0 else query


def _option_query(schema, option):
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, _field_query(schema, f, option))
                                        for f in option.fields])


def _clause_query(schema, clause):
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, _field_query(schema, f, option))
                                        for option in clause.options for f in option.fields])
