"""Outside text shown to an officer (purposes, issuer names, claim values) is neutralised before it
reaches a page: control characters and bidirectional overrides removed (an issuer name must not
reorder the words around it), length capped. HTML escaping is the templates' autoescape."""

from __future__ import annotations

import unicodedata

MAX_CHARS = 300


def neutral(unverified: object, *, limit: int = MAX_CHARS) -> str:
    text = unverified if isinstance(unverified, str) else str(unverified)
    kept = "".join(
        " " if ch in "\t\n\r" else ch for ch in text if ch in "\t\n\r" or unicodedata.category(ch)[0] != "C"
    )
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"
