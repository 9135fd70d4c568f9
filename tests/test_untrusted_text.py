"""Text from outside is shown without control characters or bidi overrides, and nothing printable is
lost or moved (issue 16 item 2). The oracle is unicodedata, not the module's own character class."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.untrusted_text import BIDI_CONTROLS, escape_json_text, is_unsafe, neutralise

# every character that can steer a terminal or reorder text, by Unicode's own categories
ATTACK_ALPHABET = (
    [chr(c) for c in range(0x00, 0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + sorted(BIDI_CONTROLS)
    + ["\u2028", "\u2029", "\ud800", "\udfff", "\u200e", "\u200f", "\u061c", "[", "]", ";", "A", "ب", "é"]
)
TEXT = st.text(alphabet=st.sampled_from(ATTACK_ALPHABET) | st.characters(), max_size=80)


def oracle_unsafe(character: str) -> bool:
    return unicodedata.category(character) in ("Cc", "Cs", "Zl", "Zp") or character in {
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
    }


@given(TEXT)
def test_no_control_or_override_survives_and_printable_text_is_kept(text: str) -> None:
    shown = neutralise(text)
    assert not any(oracle_unsafe(c) for c in shown)
    assert len(shown) == len(text)  # character for character: nothing moves
    for before, after in zip(text, shown, strict=True):
        assert after == before if not oracle_unsafe(before) else after != before
    shown.encode("utf-8")  # lone surrogates are gone: it can always be written out (no error)
    assert neutralise(shown) == shown


@given(TEXT)
def test_is_unsafe_agrees_with_unicode(text: str) -> None:
    for character in text:
        assert is_unsafe(character) == oracle_unsafe(character)


@pytest.mark.parametrize(
    ("attack", "shown"),
    [
        ("\x1b[1A\x1b[2Kverifier asks to see: age", "\u241b[1A\u241b[2Kverifier asks to see: age"),
        ("\r\x1b[2K", "\u240d\u241b[2K"),
        ("\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "\u241b]8;;https://evil.example\u2407click"),
        ("\x1b]0;title\x1b\\", "\u241b]0;title\u241b\\"),
        ("\x9b1A\x9d0;t\x9c", "\ufffd1A\ufffd0;t\ufffd"),  # the C1 forms of CSI, OSC and ST
        ("line\nforged line", "line\u240aforged line"),
        ("\u202eelpmaxe.live\u202c", "\ufffdelpmaxe.live\ufffd"),
        ("\u2067evil\u2069", "\ufffdevil\ufffd"),
        ("bell\x07 del\x7f", "bell\u2407 del\u2421"),
        ("مرحبا\u200f 123", "مرحبا\u200f 123"),  # the right-to-left mark is kept
        ("[bold]x[/bold] :warning:", "[bold]x[/bold] :warning:"),
    ],
)
def test_known_attacks(attack: str, shown: str) -> None:
    assert neutralise(attack)[: len(shown)] == shown
    assert "\x1b" not in neutralise(attack) and "\x07" not in neutralise(attack)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=10,
)


@given(JSON_VALUES, st.sampled_from([None, 2]))
def test_json_output_is_the_same_value_and_safe(value: object, indent: int | None) -> None:
    text = escape_json_text(json.dumps(value, ensure_ascii=False, indent=indent))
    assert json.loads(text) == value
    assert not any(oracle_unsafe(c) for c in text if c != "\n")  # "\n" only as indentation
    text.encode("utf-8")
