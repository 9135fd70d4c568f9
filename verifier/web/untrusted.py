"""Outside text shown to an officer (purposes, issuer names, claim names and values) goes through
the core's neutraliser (nansen.untrusted_text: controls and bidi overrides made visible, so an
issuer name cannot reorder the words around it), with its length capped for the page. HTML
escaping is the templates' autoescape."""

from __future__ import annotations

from nansen.untrusted_text import neutralise

MAX_CHARS = 300


def neutral(unverified: object, *, limit: int = MAX_CHARS) -> str:
    text = neutralise(unverified if isinstance(unverified, str) else str(unverified))
    return text if len(text) <= limit else text[: limit - 1] + "…"
