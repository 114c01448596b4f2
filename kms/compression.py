"""gzip for what carries no secret: static files, JSON and the pages of anonymous visitors.

A compressed response that mixes a secret with text an attacker can choose leaks the secret
through its size (BREACH). So nothing is compressed for a signed-in account, on the sign-in
pages, or when the page carries a CSRF token; everything else of a compressible type is.
"""
from __future__ import annotations

import gzip

from flask import g, request

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")
MIN_BYTES = 512          # smaller answers gain nothing worth the work
LEVEL = 6


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding value allows gzip (a `q=0` refuses it)."""
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().lower()
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def compress(response, private: bool):
    """The response gzipped when the client accepts it and nothing in it is secret (`private`:
    a signed-in account's page or a sign-in page; a page with a CSRF token is secret too)."""
    mimetype = response.mimetype or ""
    if not mimetype.startswith(COMPRESSIBLE):
        return response
    response.vary.add("Accept-Encoding")
    streamed = response.is_streamed and not response.direct_passthrough     # (a file is read whole)
    if response.status_code != 200 or streamed or "Content-Encoding" in response.headers \
            or not accepts_gzip(request.headers.get("Accept-Encoding", "")) or private or g.get("csrf_token"):
        return response
    response.direct_passthrough = False      # a static file: read it (they are small)
    data = response.get_data()
    if len(data) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(data, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-gzip", weak=weak)     # another representation, another tag
    return response
