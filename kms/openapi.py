"""The OpenAPI document for /api/openapi.json."""
from kms.search.query import FACETS, MAX_PER_PAGE, SORTS

ERROR = {"type": "object", "properties": {"error": {"type": "object", "properties": {
    "parameter": {"type": "string"}, "message": {"type": "string"}}}}}


ID_PARAMETER = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
LIMIT_PARAMETER = {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50}}
BAD_PARAMETER = {"description": "Malformed parameter", "content": {"application/json": {"schema": ERROR}}}
NOT_FOUND = {"description": "Unknown id", "content": {"application/json": {"schema": ERROR}}}
SIMILAR_ITEM = {"type": "object", "properties": {k: {} for k in (
    "id", "title", "agency", "regency_code", "year", "score", "reasons", "nearby")}}


def _filter_parameters():
    params = [{"name": "q", "in": "query", "schema": {"type": "string"},
               "description": "Free text; quoted phrases; syntax that does not parse is read as plain words."}]
    for name in FACETS:
        kind = {"type": "integer"} if name in ("year", "sdg") else {"type": "string"}
        params.append({"name": name, "in": "query", "schema": {"type": "array", "items": kind},
                       "style": "form", "explode": True, "description": f"Filter on {name}; repeat for OR."})
    params += [{"name": n, "in": "query", "schema": {"type": "integer"}} for n in ("year_from", "year_to")]
    return params


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Inovasi KMS API", "version": "0.1.0",
                 "description": "Search Indonesian public-service innovations."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Search with facets",
                "parameters": _filter_parameters() + [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
                    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS)}}],
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
                    "400": {"description": "Malformed parameter",
                            "content": {"application/json": {"schema": ERROR}}}}}},
            "/api/innovations/{id}": {"get": {
                "summary": "One canonical record with its sources and completeness {score} "
                           "(staff who may edit it also see missing and stale)",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The record"},
                              "404": {"description": "Unknown id",
                                      "content": {"application/json": {"schema": ERROR}}}}}},
            "/api/completeness": {"get": {
                "summary": "Completeness scores and gaps (staff only, within the account's scope)",
                "parameters": _filter_parameters() + [
                    {"name": "agency", "in": "query", "schema": {"type": "string"},
                     "description": "Canonical agency name, as in `kms export`."},
                    {"name": "min_score", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 100}},
                    {"name": "max_score", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 100}}],
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
                "parameters": [ID_PARAMETER, LIMIT_PARAMETER],
                "responses": {"200": {"description": "Results", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"results": {"type": "array", "items": SIMILAR_ITEM}}}}}},
                    "400": BAD_PARAMETER, "404": NOT_FOUND}}},
            "/api/innovations/{id}/replications": {"get": {
                "summary": "Replication lineage: the original (or null), confirmed replicas, candidates",
                "parameters": [ID_PARAMETER],
                "responses": {"200": {"description": "Lineage"}, "404": NOT_FOUND}}},
            "/api/suggest": {"get": {
                "summary": "Innovations worth replicating for a problem sentence",
                "parameters": [
                    {"name": "problem", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 1000}},
                    {"name": "region", "in": "query", "schema": {"type": "string"},
                     "description": "Dotted Kemendagri code or a region name (resolved like `kms region`)."},
                    {"name": "agency_type", "in": "query", "schema": {"type": "string"}}, LIMIT_PARAMETER],
                "responses": {"200": {"description": "Suggestions, or no_close_match", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "results": {"type": "array", "items": SIMILAR_ITEM},
                        "no_close_match": {"type": "boolean"}}}}}}, "400": BAD_PARAMETER}}},
            "/api/gaps": {"get": {
                "summary": "Proven innovations a region's peers run and it does not",
                "parameters": [{"name": "region", "in": "query", "required": True, "schema": {"type": "string"}},
                               {"name": "sector", "in": "query", "schema": {"type": "string"}}, LIMIT_PARAMETER],
                "responses": {"200": {"description": "Gap view"}, "400": BAD_PARAMETER}}},
            "/api/openapi.json": {"get": {"summary": "This document",
                                          "responses": {"200": {"description": "OpenAPI 3"}}}},
        },
    }
