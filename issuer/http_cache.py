"""Public documents (metadata, JWKS, status list) with HTTP caching: ETag, Cache-Control, gzip.

The ETag is weak (``W/``), so the same validator names the plain and the gzip representation
(RFC 9110 §8.8.1: weak comparison for If-None-Match); ``Vary: Accept-Encoding`` tells caches the
body depends on it. The gzip body of the last document served is kept, as the status list is asked
for far more often than it changes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from typing import Any

from fastapi import Request, Response

from nansen.crypto.b64 import b64url_encode

_MIN_GZIP_BYTES = 512  # below this the header costs about what gzip saves


class _GzipMemo:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[str, bytes] = {}

    def compress(self, etag: str, content: bytes) -> bytes:
        with self._lock:
            found = self._last.get(etag)
        if found is None:
            found = gzip.compress(content, compresslevel=6, mtime=0)
            with self._lock:
                if len(self._last) > 32:
                    self._last.clear()
                self._last[etag] = found
        return found


_MEMO = _GzipMemo()


def _accepts_gzip(header: str) -> bool:
    """Whether Accept-Encoding allows gzip (RFC 9110 §12.5.3): named or ``*``, with q above 0."""
    for part in header.split(","):
        coding, *params = (p.strip() for p in part.split(";"))
        if coding.lower() not in ("gzip", "*"):
            continue
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


def cached_document(request: Request, content: bytes, *, media_type: str, max_age: int) -> Response:
    """``content`` with its validator and caching headers; 304 if the client already has it."""
    etag = f'W/"{b64url_encode(hashlib.sha256(content).digest()[:16])}"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Encoding",
    }
    if _matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    if len(content) >= _MIN_GZIP_BYTES and _accepts_gzip(request.headers.get("accept-encoding", "")):
        headers["Content-Encoding"] = "gzip"
        content = _MEMO.compress(etag, content)
    return Response(content, media_type=media_type, headers=headers)


def cached_json(request: Request, document: Any, *, max_age: int) -> Response:
    content = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return cached_document(request, content, media_type="application/json", max_age=max_age)
