"""RFC 8785 canonical form: the RFC's examples and idempotence over arbitrary JSON."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.canonical import CanonicalFormError, canonicalize


def test_rfc8785_sorting_example() -> None:
    # RFC 8785 section 3.2.3: property names sorted by UTF-16 code units
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    keys = list(json.loads(canonicalize(value)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (333333333.33333329, "333333333.3333333"),
        (4.5, "4.5"),
        (1e30, "1e+30"),
        (-1.5e-10, "-1.5e-10"),
        (9007199254740991, "9007199254740991"),
    ],
)
def test_rfc8785_numbers(number: float, text: str) -> None:
    assert canonicalize(number) == text.encode()


def test_rfc8785_structure_example() -> None:
    value = {
        "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": '\u20ac$\u000f\nA\'B"\\\\"/',
        "literals": [None, True, False],
    }
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonicalize(value) == expected.encode()


@pytest.mark.parametrize("bad", [math.nan, math.inf, 2**53, {1: "x"}, b"bytes", object()])
def test_non_json_values_are_refused(bad: object) -> None:
    with pytest.raises(CanonicalFormError):
        canonicalize(bad)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-(2.0**52), max_value=2.0**52)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_canonical_form_is_a_fixed_point(value: object) -> None:
    once = canonicalize(value)
    assert canonicalize(json.loads(once)) == once


simple_keys = st.text(alphabet=st.characters(max_codepoint=0xDFFF, exclude_categories=("Cs",)))
simple_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(simple_keys, children, max_size=4),
    max_leaves=20,
)


@given(simple_values)
def test_fast_route_is_rfc8785_for_simple_json(value: object) -> None:
    from nansen.canonical import canonicalize_simple, is_simple_json

    assert is_simple_json(value)
    assert canonicalize_simple(value) == canonicalize(value)


@pytest.mark.parametrize("value", [1.5, {"\ue000": 1}, 2**60, [object()]])
def test_values_outside_simple_json_are_recognised(value: object) -> None:
    from nansen.canonical import is_simple_json

    assert not is_simple_json(value)
