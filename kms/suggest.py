"""Suggestions for a problem, and the gap view of a region.

A problem sentence is read as a search (the same units, weights, thesaurus, corrections and
close-match floor as /api/search), which decides which records address the problem. Among
those, proven innovations (an award, still running, already replicated, a complete profile)
and innovations of the same level of government come first, and each says which
neighbouring regions already run something similar."""
from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz

from indexer.reference import urusan_labels, vocabulary
from indexer.textnorm import fold
from kms.completeness import check_record, default_rules
from kms.geo import neighbours
from kms.links import linked_ids, replica_counts
from kms.records import records_by_id, records_in_regions, regency_codes
from kms.search import service
from kms.search.query import SearchQuery
from kms.search.labels import facet_label
from kms.similar import profile, similar_to

CANDIDATES = 100
SIMILAR_OWN = 40      # the region's records compared by similarity (the gap view)
SIMILAR_DEPTH = 10
SIMILAR_SAME = 0.6    # this similar counts as the same innovation
REGENCY_TYPES = ("pemkab", "pemkot")


@lru_cache(maxsize=1)
def award_weights() -> dict[str, float]:
    """Award tier -> 0..1 (best tier 1, finalists 0.7, other national awards 0.5, a province's
    own top 0.4, a regency's 0.3, none 0)."""
    weights = {}
    for row in vocabulary("award_tiers"):
        rank = int(row["rank"]) if row["rank"].isdigit() else 9
        weights[row["key"]] = {1: 1.0, 2: 0.7, 3: 0.5, 4: 0.4, 5: 0.3}.get(rank, 0.0)
    return weights


def proven(record: dict, replicas: int) -> tuple[float, list[str]]:
    """0..1 how proven an innovation is, and the reasons in Indonesian."""
    reasons = []
    award = award_weights().get(record.get("award") or "none", 0.0)
    if award:
        reasons.append(f"penghargaan: {facet_label('award', record['award'])}"
                       + (f" {record['award_year']}" if record.get("award_year") else ""))
    running = record.get("status") == "berlanjut"
    if running:
        reasons.append("masih berjalan")
    if replicas:
        reasons.append(f"sudah direplikasi di {replicas} daerah")
    score = check_record(record, default_rules()).score
    if score >= default_rules().threshold:
        reasons.append(f"profil lengkap (skor {score})")
    value = 0.4 * award + 0.2 * running + 0.25 * min(replicas, 3) / 3 + 0.15 * score / 100
    return value, reasons


def level_of(region_code: str | None, agency_type: str | None) -> tuple[str, ...]:
    """Agency types of the asker's level: theirs, or what their region implies."""
    if agency_type:
        return REGENCY_TYPES if agency_type in REGENCY_TYPES else (agency_type,)
    if region_code:
        return REGENCY_TYPES if "." in region_code else ("pemprov",)
    return ()


def _nearby_regions(region_code: str | None) -> set[str]:
    if not region_code:
        return set()
    return set(neighbours(region_code))


def _in_region(record: dict, region_code: str | None) -> bool:
    """Whether the record is the asker's own: their regency, or (for a province) inside it."""
    if not region_code:
        return False
    if "." in region_code:
        return record.get("regency_code") == region_code
    return record.get("province_code") == region_code


def suggest(db, engine, problem: str, region_code: str | None = None, agency_type: str | None = None,
            limit: int = 10, thesaurus=None) -> dict:
    """{"results": [...], "no_close_match": bool, "terms": [...]} for a problem sentence.

    The problem is read as a search (kms.search.service: the same units, weights, thesaurus,
    corrections and close-match floor); among the records it finds, proven innovations and
    those of the asker's level of government rise. The asker's own region is left out: the
    page promises what other regions run."""
    found = service.search(engine, SearchQuery(q=problem[:1000], per_page=CANDIDATES), thesaurus,
                           facets=False)
    units = [u for u in found.parsed.units if not u.filler]
    words = [u.text for u in units]
    if found.no_close_match or not found.hits:
        return {"results": [], "no_close_match": True, "terms": words}
    records = records_by_id(db, [hit.id for hit in found.hits])
    top = max(hit.score for hit in found.hits) or 1.0
    replicas = replica_counts(db)
    level = level_of(region_code, agency_type)
    near = _nearby_regions(region_code)
    results, pool = [], []
    for hit in found.hits:
        record = records.get(hit.id)
        if record is None:
            continue
        pool.append(record)
        if _in_region(record, region_code):
            continue
        counts, _surface = profile(record)
        matched = [u.text for u in units
                   if any(t in counts for t in u.terms) or any(a[0] in counts for a in u.alternatives)]
        relevance = hit.score / top
        proof, proof_reasons = proven(record, replicas.get(record["id"], 0))
        same_level = bool(level) and record.get("agency_type") in level
        score = 0.65 * relevance + 0.25 * proof + 0.1 * same_level
        reasons = [f"relevansi {round(100 * relevance)}% dari hasil teratas"]
        if matched:
            reasons.append("cocok dengan masalah: " + ", ".join(matched))
        if same_level:
            reasons.append(f"instansi sejenis: {facet_label('agency_type', record['agency_type'])}")
        if record.get("sector"):
            reasons.append(f"urusan: {facet_label('sector', record['sector'])}")
        reasons += proof_reasons
        results.append({"record": record, "score": round(score, 3), "coverage": round(relevance, 3),
                        "reasons": reasons})
    results.sort(key=lambda r: (-r["score"], r["record"]["id"]))
    for result in results:
        record = result["record"]
        result["nearby"] = [
            {"id": other["id"], "title": other.get("title"), "regency_code": other.get("regency_code")}
            for other in pool
            if other["id"] != record["id"] and other.get("regency_code") in near
            and (other.get("sector") == record.get("sector") or not record.get("sector"))][:5]
    return {"results": results[:limit], "no_close_match": not results, "terms": words}


def _proven_enough(record: dict, replicas: int) -> bool:
    return (record.get("award") not in (None, "", "none") or record.get("status") == "berlanjut"
            or replicas > 0)


def _already_running(db, engine, own: list[dict]) -> set[str]:
    """Records the region already runs in some form: linked to one of its records (a confirmed
    replication or a candidate), or among their most similar innovations."""
    ids = [r["id"] for r in own]
    running = linked_ids(db, ids)
    if engine is not None:
        for record in own[:SIMILAR_OWN]:
            running |= {s.id for s in similar_to(db, engine, record, SIMILAR_DEPTH)
                        if s.score >= SIMILAR_SAME}
    return running


def gap_view(db, region_code: str, sector: str | None = None, limit: int = 30, engine=None) -> dict:
    """Proven innovations that the region's peers run, in sectors (or one sector) where the
    region itself runs nothing alike (by lineage, candidate links, similarity with the engine,
    and title likeness): a starting list for its next replication.
    Peers: for a regency, the other regencies of its province and its neighbours; for a
    province, its neighbouring provinces."""
    is_regency = "." in region_code
    field = "regency_code" if is_regency else "province_code"
    if is_regency:
        province = region_code.split(".")[0]
        peer_codes = regency_codes(db, province) | set(neighbours(region_code))
    else:
        peer_codes = set(neighbours(region_code, radius_km=600))
    peer_codes.discard(region_code)
    own = records_in_regions(db, field, [region_code])
    own_sectors = {r["sector"] for r in own if r["sector"]}
    running = _already_running(db, engine, own)
    replicas = replica_counts(db)
    rows = []
    if peer_codes:
        peers = {r["id"]: r for r in records_in_regions(db, field, peer_codes, sector)}
        own_titles = [fold(r["title"] or "") for r in own]
        for record in peers.values():
            count = replicas.get(record["id"], 0)
            if not _proven_enough(record, count):
                continue
            if record["id"] in running:
                continue    # linked to, or very like, something the region runs
            if record.get("sector") in own_sectors and any(
                    fuzz.token_set_ratio(fold(record.get("title") or ""), t) >= 70 for t in own_titles):
                continue    # the region already runs something like it
            proof, reasons = proven(record, count)
            gap = record.get("sector") not in own_sectors
            rows.append({"record": record, "score": round(proof + 0.2 * gap, 3), "reasons": reasons,
                         "sector_gap": gap})
    rows.sort(key=lambda r: (-r["score"], r["record"]["id"]))
    return {"region": region_code, "own_count": len(own), "own_sectors": sorted(own_sectors),
            "peers": sorted(peer_codes), "results": rows[:limit]}


def public_result(item: dict) -> dict:
    """A suggestion or gap row as the API gives it."""
    record = item["record"]
    return {"id": record["id"], "title": record.get("title"), "agency": record.get("agency"),
            "regency_code": record.get("regency_code"), "year": record.get("year"),
            "score": item["score"], "reasons": item["reasons"], "nearby": item.get("nearby", [])}


def sector_choices() -> list[tuple[str, str]]:
    """(urusan key, label) pairs, by label, for the gap view's sector menu."""
    return sorted(urusan_labels().items(), key=lambda item: item[1])
