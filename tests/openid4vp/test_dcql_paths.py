"""Claims path pointers (OpenID4VP 1.0 section 7) on the specification's example credential, and
the processing rules that abort."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.openid4vp.dcql_paths import matches, path_text, project, select
from nansen.openid4vp.errors import ClaimPathError

CREDENTIAL: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "vectors" / "openid4vp-dcql" / "spec_inline_examples.json").read_text()
)["claims_path_pointer_example_credential"]


def test_the_examples_of_section_7_3() -> None:
    assert select(CREDENTIAL, ("name",)) == [(("name",), "Arthur Dent")]
    assert select(CREDENTIAL, ("address",)) == [(("address",), CREDENTIAL["address"])]
    assert select(CREDENTIAL, ("address", "street_address")) == [
        (("address", "street_address"), "42 Market Street")
    ]
    assert select(CREDENTIAL, ("degrees", None, "type")) == [
        (("degrees", 0, "type"), "Bachelor of Science"),
        (("degrees", 1, "type"), "Master of Science"),
    ]
    assert select(CREDENTIAL, ("nationalities", 1)) == [(("nationalities", 1), "Betelgeusian")]


@pytest.mark.parametrize(
    ("path", "why"),
    [
        (("surname",), "no such claim"),
        (("nationalities", 5), "no such claim"),
        (("name", "first"), "is not an object"),
        (("address", 0), "is not an array"),
        (("address", None), "is not an array"),
        (("degrees", "type"), "is not an object"),
    ],
)
def test_processing_aborts_as_section_7_1_1_says(path: tuple[Any, ...], why: str) -> None:
    with pytest.raises(ClaimPathError, match=why):
        select(CREDENTIAL, path)


def test_a_key_missing_in_some_selected_elements_drops_only_those() -> None:
    claims = {"items": [{"a": 1}, {"b": 2}, {"a": 3}]}
    assert select(claims, ("items", None, "a")) == [(("items", 0, "a"), 1), (("items", 2, "a"), 3)]


def test_projection_keeps_only_the_selected_claims_and_their_nesting() -> None:
    kept = project(
        CREDENTIAL,
        [
            ("degrees", 0, "type"),
            ("degrees", 1, "type"),
            ("nationalities", 1),
            ("address", "locality"),
            ("address",),
        ],
    )
    assert kept == {
        "degrees": [{"type": "Bachelor of Science"}, {"type": "Master of Science"}],
        "nationalities": ["Betelgeusian"],
        "address": CREDENTIAL["address"],  # the whole object: its own path selects it
    }


def test_values_match_type_and_value_exactly() -> None:
    assert matches("Doe", ("Doe",)) and matches(18, (18,)) and matches(True, (True,))
    assert not matches(1, (True,)) and not matches(True, (1,)) and not matches("18", (18,))
    assert not matches(18.0, (18,)) and not matches(None, ("",))


def test_paths_read_as_people_write_them() -> None:
    assert path_text(("degrees", None, "type")) == "degrees[*].type"
    assert path_text(("nationalities", 1)) == "nationalities[1]"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text("abc", max_size=2), inner, max_size=3)
    ),
    max_leaves=20,
)
PATHS = st.lists(
    st.none() | st.integers(0, 3) | st.text("abc", min_size=0, max_size=2), min_size=1, max_size=4
)


@given(claims=st.dictionaries(st.text("abc", max_size=2), JSON, max_size=4), path=PATHS)
def test_every_selected_element_is_where_its_concrete_path_says(
    claims: dict[str, Any], path: list[Any]
) -> None:
    try:
        selected = select(claims, tuple(path))
    except ClaimPathError:
        return
    assert selected
    for concrete, value in selected:
        node: Any = claims
        for component in concrete:
            node = node[component]
        assert node is value
        assert len(concrete) == len(path)
        assert all(c == p for c, p in zip(concrete, path, strict=True) if p is not None)
        if all(isinstance(c, str) for c in concrete):  # no array to close up: the same place
            kept: Any = project(claims, [concrete])
            for component in concrete:
                kept = kept[component]
            assert kept == value
