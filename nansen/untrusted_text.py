"""Text from outside (a verifier's purpose, an issuer's names, claim names and values, display labels)
made safe to show to a person on a terminal or a page.

Such text must not be able to change what else the person sees. On a terminal an escape sequence
(``ESC [1A ESC [2K``: cursor up, erase line) rewrites the lines the wallet printed before it, so a
verifier's ``purpose`` could erase "X asks to see: ..." and show a shorter list; an OSC sequence sets
the window title or a hyperlink; a newline forges a line of the wallet's own. Bidirectional
embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder whole runs of text, so
``evil.example`` can be made to read as another name ("Trojan Source", CVE-2021-42574).

``neutralise`` replaces each such character by a visible one, character for character, and keeps
every other character as it is (so the person sees that something odd was there, and nothing that
was printable is lost or moved):

* C0 controls (newline, tab, ESC, BEL...) become their Unicode "control pictures" (``␛``, ``␊``);
* DEL becomes ``␡``; C1 controls (U+0080-U+009F: a single-byte CSI or OSC on some terminals), the
  bidi embeddings, overrides and isolates, the line and paragraph separators (U+2028, U+2029) and
  lone surrogates (they cannot even be encoded as UTF-8) become U+FFFD.

Without ESC (or a C1 introducer) there is no escape sequence left: ``[1A`` alone is text. The bidi
*marks* (LRM U+200E, RLM U+200F, ALM U+061C) are kept: they have no extent, so they cannot hide or
reorder a run of text, and right-to-left writing needs them. A program that wraps a line in its own
embedding (the wallet marks Arabic lines right-to-left) does so after neutralising the text.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
# in JSON text from json.dumps, C0 controls are already escaped inside strings (and newlines outside
# them are the indentation); the rest of the unsafe characters it writes as they are
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def is_unsafe(character: str) -> bool:
    """Whether one character can control a terminal or reorder text when shown."""
    return _UNSAFE.fullmatch(character) is not None


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the control picture: U+241B SYMBOL FOR ESCAPE for ESC
    if code == 0x7F:
        return "\u2421"
    return REPLACEMENT


def neutralise(unverified_text: str) -> str:
    """The text with every unsafe character replaced by a visible one (same length, same order)."""
    return _UNSAFE.sub(_visible, unverified_text)


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_json_text(json_text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with every unsafe character it left
    written as a ``\\uXXXX`` escape: the same JSON value for a program, nothing a terminal acts on.
    Those characters can only occur inside JSON strings, where any character may be escaped."""
    return _UNSAFE_IN_JSON.sub(_escaped, json_text)
