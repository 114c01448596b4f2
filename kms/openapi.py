"""The OpenAPI document for /api/openapi.json; every query parameter comes from its declaration
in kms.params (the same one the route parses with)."""
from kms import params

ERROR = {"type": "object", "properties": {"error": {"type": "object", "properties": {
    "parameter": {"type": "string", "nullable": True}, "message": {"type": "string"}, "code": {"type": "string"}}}}}


ID_PARAMETER = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
BAD_PARAMETER = {"description": "Malformed parameter", "content": {"application/json": {"schema": ERROR}}}
NOT_FOUND = {"description": "Unknown id", "content": {"application/json": {"schema": ERROR}}}
UNKNOWN_REGION = {"description": "A region no gazetteer knows (`parameter` names it)",
                  "content": {"application/json": {"schema": ERROR}}}
SIMILAR_ITEM = {"type": "object", "properties": {k: {} for k in (
    "id", "title", "agency", "regency_code", "year", "score", "reasons", "nearby")}}


TOO_LONG = {"description": "The request line is longer than the server reads (8,190 bytes)"}


def _stats(summary: str, declared, extra: dict | None = None) -> dict:
    """A statistics endpoint: {"rows": [...]} as JSON, or the same table as CSV (`format=csv`)."""
    return {"get": {"summary": summary, "parameters": params.openapi(declared), "responses": {
        "200": {"description": "Rows (JSON), or CSV with format=csv", "content": {
            "application/json": {"schema": {"type": "object", "properties": {
                "rows": {"type": "array", "items": {"type": "object"}}, **(extra or {})}}},
            "text/csv": {"schema": {"type": "string"}}}},
        "400": BAD_PARAMETER}}}


def openapi_document() -> dict:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Inovasi KMS API", "version": "0.1.0",
                 "description": "Search Indonesian public-service innovations."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Search with facets",
                "parameters": params.openapi(params.API_SEARCH),
                "responses": {
                    "200": {"description": "Results", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {
                            "total": {"type": "integer"}, "page": {"type": "integer"},
                            "per_page": {"type": "integer"}, "results": {"type": "array", "items": {
                                "type": "object", "properties": {k: {} for k in (
                                    "id", "title", "agency", "province_code", "regency_code", "year",
                                    "award", "snippet", "score")}}},
                            "facets": {"type": "object"}, "corrected_query": {"type": "string", "nullable": True},
                            "corrected": {"type": "boolean"}}}}}},
                        "400": BAD_PARAMETER}}},
            "/api/innovations/{id}": {"get": {
                "summary": "One canonical record with its sources, completeness {score} (staff who may edit "
                           "it also see missing and stale), feedback {average, count} and counts {dilihat, minat, "
                           "kesepakatan, replikasi}",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The record"},
                              "404": {"description": "Unknown id",
                                      "content": {"application/json": {"schema": ERROR}}}}}},
            "/api/completeness": {"get": {
                "summary": "Completeness scores and gaps (staff only, within the account's scope)",
                "parameters": params.openapi(params.COMPLETENESS),
                "responses": {
                    "200": {"description": "Summary and one row per record",
                            "content": {"application/json": {"schema": {"type": "object", "properties": {
                                "summary": {"type": "object"},
                                "results": {"type": "array", "items": {"type": "object", "properties": {
                                    k: {} for k in ("id", "title", "score", "missing", "stale")}}}}}}}},
                    "400": {"description": "Malformed parameter",
                            "content": {"application/json": {"schema": ERROR}}},
                    "401": {"description": "Not signed in (sign in at /masuk; the session cookie is used)",
                            "content": {"application/json": {"schema": ERROR}}}}}},
            "/api/innovations/{id}/similar": {"get": {
                "summary": "Similar innovations, best first, each with its reasons (never the record itself)",
                "parameters": [ID_PARAMETER, *params.openapi(params.SIMILAR)],
                "responses": {"200": {"description": "Results", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"results": {"type": "array", "items": SIMILAR_ITEM}}}}}},
                    "400": BAD_PARAMETER, "404": NOT_FOUND}}},
            "/api/innovations/{id}/replications": {"get": {
                "summary": "Replication lineage: the original (or null), confirmed replicas, candidates",
                "parameters": [ID_PARAMETER],
                "responses": {"200": {"description": "Lineage"}, "404": NOT_FOUND}}},
            "/api/innovations/{id}/requests": {"get": {
                "summary": "Counts (dilihat, minat, kesepakatan, replikasi) and the public parts of the replication "
                           "requests made for this innovation: the requesting agency, the status, the dates, the replica",
                "parameters": [ID_PARAMETER],
                "responses": {"200": {"description": "Counts and requests", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {
                        "counts": {"type": "object", "properties": {k: {"type": "integer"} for k in (
                            "dilihat", "minat", "kesepakatan", "replikasi")}},
                        "requests": {"type": "array", "items": {"type": "object", "properties": {k: {} for k in (
                            "id", "original_id", "requester_agency", "requester_unit", "status", "dates",
                            "declined", "replica_id")}}}}}}}},
                    "404": NOT_FOUND}}},
            "/api/competitions": {"get": {
                "summary": "Published hub competitions",
                "responses": {"200": {"description": "Competitions", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"results": {"type": "array", "items": {"type": "object", "properties": {
                        k: {} for k in ("id", "name", "year", "hub", "award")}}}}}}}}}}},
            "/api/competitions/{id}": {"get": {
                "summary": "A published competition: its stages and indicators, and every entry's totals per stage "
                           "reached (0-100), winners first, with the record of each published entry",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "Results", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {k: {} for k in ("id", "name", "year", "hub", "award", "stages",
                                                                      "entries")}}}}},
                              "404": NOT_FOUND}}},
            "/api/suggest": {"get": {
                "summary": "Innovations worth replicating for a problem sentence",
                "parameters": params.openapi(params.SUGGEST),
                "responses": {"200": {"description": "Suggestions, or no_close_match", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "results": {"type": "array", "items": SIMILAR_ITEM},
                        "no_close_match": {"type": "boolean"}}}}}}, "400": BAD_PARAMETER,
                    "404": UNKNOWN_REGION}}},
            "/api/gaps": {"get": {
                "summary": "Proven innovations a region's peers run and it does not",
                "parameters": params.openapi(params.GAPS),
                "responses": {"200": {"description": "Gap view"}, "400": BAD_PARAMETER,
                              "404": UNKNOWN_REGION}}},
            "/api/stats/regions": _stats(
                "Per province (or regency/city, `by=regency`), zeros included: innovations, per million "
                "inhabitants, per 10,000 km2, share of regencies with one, awards, agency types, sectors, SDGs, "
                "replications given and received, share still running, median completeness; lines for "
                "pre-2022 Papua, no regency and no region", params.STATS_REGIONS, {
                    "by": {"type": "string"}, "sources": {"type": "object"}}),
            "/api/stats/years": _stats("Per year: innovations, growth on the year before, cumulative total",
                                       params.STATS_YEARS),
            "/api/stats/flows": _stats("Replications from the origin province to the replicating province",
                                       params.STATS_FLOWS),
            "/api/stats/matrix": _stats("Counts for every pair of values of two dimensions (`rows`, `cols`)",
                                        params.STATS_MATRIX, {"columns": {"type": "array"}}),
            "/api/docs": {"get": {"summary": "This document as a page for people (Indonesian HTML)",
                                  "responses": {"200": {"description": "The page", "content": {
                                      "text/html": {"schema": {"type": "string"}}}}}}},
            "/api/openapi.json": {"get": {"summary": "This document",
                                          "responses": {"200": {"description": "OpenAPI 3"}}}},
        },
    }
    for path in document["paths"].values():          # answered by the server before the app
        path["get"]["responses"]["414"] = TOO_LONG
    return document
