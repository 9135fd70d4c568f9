"""The shortcut that skips walking nested containers (``digests_only_at_top``) must never change
what ``unfold`` gives: whenever it says "only at the top", the full walk agrees."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nansen.crypto.b64 import b64url_encode
from nansen.sdjwt.disclosures import parse_disclosure
from nansen.sdjwt.processing import digests_only_at_top, unfold

DIGEST = "A" * 43
names = st.sampled_from(["a", "b", "_sd", "...", "x_sd", "_s", "sd"])
scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["_sd", "...", "v", "\\", "é"])
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(names, inner, max_size=3)
        | st.builds(lambda d: {"...": d}, st.just(DIGEST))
    ),
    max_leaves=12,
)


def _unfold_both(payload: dict[str, Any], text: bytes) -> None:
    try:
        full = unfold(payload, [], max_depth=32)
    except Exception as exc:  # the full walk refuses it: the shortcut must not be taken then
        assert "_sd" not in payload or not digests_only_at_top(text), exc
        return
    if "_sd" in payload and digests_only_at_top(text):
        assert unfold(payload, [], max_depth=32, nested_digests=False) == full


@settings(max_examples=400, deadline=None)
@given(members=st.dictionaries(names, values, max_size=5), ensure_ascii=st.booleans())
def test_the_shortcut_agrees_with_the_full_walk(members: dict[str, Any], ensure_ascii: bool) -> None:
    payload = {**members, "_sd": [DIGEST[:-1] + "B"]}
    text = json.dumps(payload, ensure_ascii=ensure_ascii).encode()
    _unfold_both(json.loads(text), text)


def test_nested_digests_escaped_names_and_string_values_are_noticed() -> None:
    top = '"_sd":["' + DIGEST + '"]'
    assert digests_only_at_top(b"{" + top.encode() + b',"a":{"b":1}}')
    for tricky in (
        '{"a":{"_sd":["x"]},' + top + "}",  # nested _sd
        '{"a":{"\\u005fsd":["x"]},' + top + "}",  # the same, its name escaped
        '{"a":[{"...":"x"}],' + top + "}",  # an array-element digest
        '{"a":"_sd",' + top + "}",  # only a string value: a cautious no
    ):
        assert not digests_only_at_top(tricky.encode()), tricky
        payload = json.loads(tricky)
        _unfold_both(payload, tricky.encode())


def test_disclosed_values_are_walked_even_with_the_shortcut() -> None:
    inner = parse_disclosure(_encode(["salt1", "city", "Aleppo"]), max_bytes=1000, max_depth=8)
    outer = parse_disclosure(
        _encode(["salt2", "place", {"_sd": [inner.digest]}]), max_bytes=1000, max_depth=8
    )
    text = json.dumps({"_sd": [outer.digest], "iss": "x"}).encode()
    assert digests_only_at_top(text)
    claims, placed = unfold(json.loads(text), [outer, inner], max_depth=8, nested_digests=False)
    assert claims == {"iss": "x", "place": {"city": "Aleppo"}}
    assert len(placed) == 2


def _encode(array: list[Any]) -> str:
    return b64url_encode(json.dumps(array).encode())
