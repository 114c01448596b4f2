"""Similar innovations: candidates from each record's stored signature (its most distinctive
words), re-ranked by TF-IDF cosine of the narratives, title similarity (rapidfuzz, place names
left out), whether one names the other, and shared sector, category and SDGs. Every suggestion
says why, in Indonesian."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from indexer.dedupe import acronyms, place_words, title_core, title_similarity
from indexer.textnorm import fold, words
from kms.db import in_chunks
from kms.records import record_ids as all_record_ids, records_by_id
from kms.schema import SECTIONS
from kms.search import analysis
from kms.search.engine import Clause, EngineQuery, Term
from kms.search.labels import facet_label

WEIGHTS = {"text": 0.6, "title": 0.2, "names": 0.25, "sector": 0.08, "sdgs": 0.04, "category": 0.03}
NARRATIVE = ("title", *SECTIONS)
CANDIDATES = 30
QUERY_TERMS = 10
SIGNATURE = 24          # distinctive words kept per record
TITLE_BOOST = 2.0
# words every profile uses: they say nothing about what an innovation does
GENERIC = frozenset("""
inovasi layan warga masyarakat program hasil tahun tujuan sumber daya laku guna dukung
terap rupa dapat baik kait lalu jadi buat kembang tingkat mudah cepat bagi orang
""".split())


@dataclass(frozen=True)
class Suggestion:
    id: str
    score: float
    reasons: tuple[str, ...]
    parts: dict
    record: dict          # the suggested record itself (callers need not fetch it again)


def _tokens(text: str) -> list[tuple[str, str]]:
    """(stem, surface word) for the content words of a text."""
    return analysis.content_terms(text)


@lru_cache(maxsize=4096)
def _profile(record_id: str, version: str, text: str, skip: frozenset) -> tuple[Counter, dict]:
    """Stem counts (place words and generic words left out) and a surface word per stem."""
    counts: Counter = Counter()
    surface: dict[str, str] = {}
    for stem, word in _tokens(text):
        if word in skip or stem in GENERIC:
            continue
        counts[stem] += 1
        surface.setdefault(stem, word)
    return counts, surface


def title_stems(title: str, skip: set[str]) -> list[str]:
    """Stems of a title's content words, place words and generic words left out, once each."""
    return list(dict.fromkeys(stem for stem, word in _tokens(title)
                              if word not in skip and stem not in GENERIC))


def narrative(record: dict) -> str:
    return "\n".join(str(record.get(name) or "") for name in NARRATIVE)


def profile(record: dict) -> tuple[Counter, dict]:
    return _profile(record["id"], record.get("updated_at") or "", narrative(record),
                    frozenset(place_words(record)))


def cosine(a: Counter, b: Counter, idf) -> float:
    """TF-IDF cosine (log-scaled term frequency)."""
    if not a or not b:
        return 0.0
    def weight(counts, stem):
        return (1 + math.log(counts[stem])) * idf(stem)
    dot = sum(weight(a, s) * weight(b, s) for s in a.keys() & b.keys())
    if not dot:
        return 0.0
    norm_a = math.sqrt(sum(weight(a, s) ** 2 for s in a))
    norm_b = math.sqrt(sum(weight(b, s) ** 2 for s in b))
    return dot / (norm_a * norm_b)


def title_likeness(a: str, b: str, skip: set[str], idf) -> float:
    """0..1: half spelling similarity (rapidfuzz), half the share of the shorter title's
    distinctive words (IDF-weighted) found in the other: a shared name ("Saskia", "KUNA")
    counts for much more than shared common words ("keliling", "layanan")."""
    fuzzy = title_similarity(a, b, skip)
    stems_a, stems_b = set(title_stems(a, skip)), set(title_stems(b, skip))
    if not stems_a or not stems_b:
        return fuzzy / 2
    shorter = min(stems_a, stems_b, key=lambda s: sum(idf(t) for t in s))
    shared = sum(idf(t) for t in stems_a & stems_b) / sum(idf(t) for t in shorter)
    return (fuzzy + shared) / 2


def naming(record: dict, other: dict, idf) -> str | None:
    """Why `other` refers to `record`, or None:
    - its narrative names `record`'s title (words that are not its own title's, and that
      only a handful of records use, so "Kota Layak Anak" does not count);
    - both titles carry the same rare name or acronym ("KUNA" -> "KUNA Sinjai");
    - its title carries `record`'s place name while it sits elsewhere ("... Tangerang
      Pandeglang")."""
    title, other_title = record.get("title") or "", other.get("title") or ""
    own = " " + " ".join(words(other_title)) + " "
    text = " " + " ".join(words(narrative(other))) + " "
    core = words(title_core(title))
    phrase = " ".join(core)
    if len(core) >= 2 and f" {phrase} " in text and f" {phrase} " not in own \
            and _distinctive(core, idf):
        return f"{other_title} menyebut {title}"
    own_words = set(words(other_title))
    for acronym in acronyms(title):
        if len(acronym) >= 3 and acronym in own_words and _distinctive([acronym], idf):
            return f"nama sama: {acronym.upper()}"
    place = place_words(record) - place_words(other) - {"kabupaten", "kota", "provinsi", "kab"}
    region = record.get("regency_code") or record.get("province_code")
    other_region = other.get("regency_code") or other.get("province_code")
    if region and other_region and region != other_region:
        named = [w for w in place if w in own_words and len(w) > 3]
        if named and set(words(record.get("regency_name") or "")) - {"kabupaten", "kota"} <= own_words:
            return f"judul {other_title} memuat nama daerah asal {record.get('regency_name')}"
    return None


def _distinctive(found: list[str], idf) -> bool:
    """A phrase that only a handful of records use (the innovation, its copies, its replicas)."""
    return idf.phrase_frequency(found) <= idf.rare_count


def compare(record: dict, other: dict, idf, max_terms: int = 5) -> Suggestion:
    """How alike two records are (0..~1.2) and why."""
    counts_a, surface_a = profile(record)
    counts_b, _surface_b = profile(other)
    text = cosine(counts_a, counts_b, idf)
    skip = place_words(record) | place_words(other)
    title = title_likeness(record.get("title") or "", other.get("title") or "", skip, idf)
    named = naming(record, other, idf) or naming(other, record, idf)
    names = named is not None
    same_sector = bool(record.get("sector")) and record.get("sector") == other.get("sector")
    same_category = bool(record.get("category")) and fold(record.get("category") or "") == \
        fold(other.get("category") or "")
    sdgs_a, sdgs_b = set(record.get("sdgs") or []), set(other.get("sdgs") or [])
    shared_sdgs = sorted(sdgs_a & sdgs_b)
    sdg_share = len(shared_sdgs) / len(sdgs_a | sdgs_b) if sdgs_a | sdgs_b else 0.0
    parts = {"text": text, "title": title, "names": float(names), "sector": float(same_sector),
             "sdgs": sdg_share, "category": float(same_category)}
    score = sum(WEIGHTS[name] * value for name, value in parts.items())
    reasons = []
    if named:
        reasons.append(named)
    if title >= 0.6:
        reasons.append(f"judul mirip ({round(title * 100)}%)")
    if same_sector:
        reasons.append(f"urusan sama: {facet_label('sector', record['sector'])}")
    if same_category:
        reasons.append(f"kategori sama: {facet_label('category', record['category'])}")
    if shared_sdgs:
        reasons.append("SDG sama: " + ", ".join(facet_label("sdg", str(n)) for n in shared_sdgs))
    shared = sorted(counts_a.keys() & counts_b.keys(),
                    key=lambda s: (-(idf(s) * min(counts_a[s], counts_b[s])), s))
    if shared:
        reasons.append("kata yang sama: " + ", ".join(surface_a[s] for s in shared[:max_terms]))
    return Suggestion(other["id"], round(score, 3), tuple(reasons), parts, other)


def idf_function(engine):
    """Smoothed inverse document frequency over the index's narratives."""
    total = engine.document_count()
    cache: dict[str, float] = {}

    def idf(stem: str) -> float:
        if stem not in cache:
            df = engine.document_frequency("body", stem)
            cache[stem] = math.log((total + 1) / (df + 1)) + 1
        return cache[stem]

    phrases: dict[tuple, int] = {}

    rare_count = max(6, total // 200)   # a name used by at most 0.5% of records (6 at least)

    def phrase_frequency(found: list[str]) -> int:
        """Records whose narrative has these words in order (stop words, dropped from the
        index, may sit between them)."""
        if tuple(found) not in phrases:
            phrases[tuple(found)] = engine.phrase_count(
                "body", tuple(analysis.terms(" ".join(found))), slop=2, stop_at=rare_count)
        return phrases[tuple(found)]

    idf.phrase_frequency = phrase_frequency
    idf.rare_count = rare_count
    return idf


def signature(record: dict, idf, size: int = SIGNATURE) -> dict[str, float]:
    """The record's most distinctive stems with TF-IDF weights (title words count double)."""
    counts, _surface = profile(record)
    weights = {stem: (1 + math.log(n)) * idf(stem) for stem, n in counts.items()}
    for stem in title_stems(record.get("title") or "", place_words(record)):
        if stem in weights:
            weights[stem] *= TITLE_BOOST
    top = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:size]
    return {stem: round(weight, 4) for stem, weight in top}


def save_signatures(db, engine, record_ids=None) -> int:
    """Recompute the stored signatures (all records, or these), with the index's IDF."""
    idf = idf_function(engine)
    if record_ids is None:
        ids = all_record_ids(db)
        with db.conn:
            db.execute("DELETE FROM similarity_terms")
    else:
        ids = list(record_ids)
    count = 0
    for marks, chunk in in_chunks(ids):
        rows = []
        for record in records_by_id(db, chunk).values():
            rows += [(record["id"], stem, weight) for stem, weight in signature(record, idf).items()]
        with db.conn:
            if record_ids is not None:
                db.execute(f"DELETE FROM similarity_terms WHERE record_id IN ({marks})", chunk)
            db.conn.executemany("INSERT INTO similarity_terms (record_id, term, weight) VALUES (?, ?, ?)",
                                rows)
        count += len(chunk)
    return count


def signature_candidates(db, record_id: str, terms: dict[str, float], top: int = CANDIDATES) -> list[str]:
    """Records whose signatures share the most weight with these terms (never `record_id`)."""
    if not terms:
        return []
    values = ", ".join("(?, ?)" for _ in terms)
    params = [x for item in terms.items() for x in item] + [record_id, top]
    sql = (f"WITH q(term, w) AS (VALUES {values}) "
           "SELECT s.record_id, SUM(q.w * s.weight) AS score FROM similarity_terms s "
           "JOIN q ON s.term = q.term WHERE s.record_id != ? "
           "GROUP BY s.record_id ORDER BY score DESC LIMIT ?")
    return [row[0] for row in db.execute(sql, params).fetchall()]


def index_candidates(engine, body_terms, title_terms=(), limit: int = CANDIDATES,
                     exclude: str | None = None) -> list[str]:
    """Ids of the best matches for any of these terms (narrative stems, title stems), never
    `exclude`: a record's most distinctive words find the records worth comparing with it."""
    clauses = tuple(Clause((Term(t, ("body",)),), required=False) for t in body_terms) + \
        tuple(Clause((Term(t, ("title",)),), required=False) for t in title_terms)
    if not clauses:
        return []
    found = engine.search(EngineQuery(clauses=clauses, limit=limit + 1, facets=False))
    return [hit.id for hit in found.hits if hit.id != exclude][:limit]


def similar_to(db, engine, record: dict, limit: int = 10, exclude=()) -> list[Suggestion]:
    """The records most like `record`, best first (never the record itself)."""
    idf = idf_function(engine)
    terms = signature(record, idf, QUERY_TERMS)
    ids = signature_candidates(db, record["id"], terms)
    if not ids:   # signatures not built yet (an old store): ask the index
        ids = index_candidates(engine, list(terms),
                               title_stems(record.get("title") or "", place_words(record)),
                               exclude=record["id"])
    skip = {record["id"], *exclude}
    others = records_by_id(db, [i for i in ids if i not in skip])
    ranked = sorted((compare(record, other, idf) for other in others.values()),
                    key=lambda s: (-s.score, s.id))
    return ranked[:limit]


def similar_summaries(db, engine, record: dict, limit: int) -> list[dict]:
    """`similar_to` as plain rows for pages and the API: who, where, when, score, reasons."""
    return [{"id": s.id, **{k: s.record.get(k) for k in ("title", "agency", "regency_code",
                                                       "regency_name", "province_name", "year")},
             "score": s.score, "reasons": list(s.reasons)}
            for s in similar_to(db, engine, record, limit)]
