"""Property: no mutation of a valid presentation is accepted, and only SdJwtError subclasses escape.

Without a KB-JWT, reordering disclosures is semantically neutral (RFC 9901 gives the order no
meaning) and is accepted with identical claims; with a KB-JWT, ``sd_hash`` pins the exact string.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sdjwt_support import AUD, NONCE, NOW, fixed_resolver, person_presentation

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.sdjwt.errors import SdJwtError
from nansen.sdjwt.verification import verify_presentation

ISSUER, HOLDER, ISSUED, VALID = person_presentation()


def _verify(text: str, *, kb: bool = True) -> Any:
    return verify_presentation(
        text,
        issuer_key_resolver=fixed_resolver(ISSUER.public_key()),
        expected_aud=AUD,
        expected_nonce=NONCE,
        now=NOW,
        require_key_binding=kb,
    )


ORIGINAL = _verify(VALID)


def _edit_json_part(token: str, index: int, edit: Any) -> str:
    parts = token.split(".")
    value = json.loads(b64url_decode(parts[index]))
    edit(value)
    parts[index] = b64url_encode(json.dumps(value).encode())
    return ".".join(parts)


def _mutate(data: st.DataObject) -> str:
    jwt, *disclosures, kb = VALID.split("~")
    kind = data.draw(st.sampled_from(["flip", "drop", "dup", "reorder", "header", "claim", "kb", "truncate"]))
    if kind == "flip":
        i = data.draw(st.integers(0, len(VALID) - 1))
        return VALID[:i] + data.draw(st.characters(codec="ascii")) + VALID[i + 1 :]
    if kind == "truncate":
        return VALID[: data.draw(st.integers(0, len(VALID) - 1))]
    if kind == "drop":
        i = data.draw(st.integers(0, len(disclosures) - 1))
        disclosures.pop(i)
    elif kind == "dup":
        disclosures.append(data.draw(st.sampled_from(disclosures + [d.encoded for d in ISSUED.disclosures])))
    elif kind == "reorder":
        disclosures = data.draw(st.permutations(disclosures))
    elif kind == "header":
        key = data.draw(st.sampled_from(["typ", "kid", "alg", "jwk", "crit"]))
        value = data.draw(st.sampled_from(["ES256", "none", "dc+sd-jwt", "kb+jwt", "x", 1]))
        jwt = _edit_json_part(jwt, 0, lambda h: h.__setitem__(key, value))
    elif kind == "claim":
        key = data.draw(st.sampled_from(["vct", "exp", "iss", "_sd", "_sd_alg", "given_name"]))
        jwt = _edit_json_part(
            jwt, 1, lambda p: p.__setitem__(key, data.draw(st.sampled_from(["x", 0, [], None])))
        )
    else:
        key = data.draw(st.sampled_from(["aud", "nonce", "iat", "sd_hash"]))
        kb = _edit_json_part(kb, data.draw(st.sampled_from([0, 1])), lambda p: p.__setitem__(key, "x"))
    return "~".join([jwt, *disclosures, kb])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_mutation_is_accepted(data: st.DataObject) -> None:
    mutated = _mutate(data)
    if mutated == VALID:
        return
    try:
        _verify(mutated)
    except SdJwtError:
        return
    raise AssertionError(f"mutated presentation accepted: {mutated}")


@settings(max_examples=50, deadline=None)
@given(st.permutations(VALID.split("~")[1:-1]))
def test_reordering_without_kb_is_semantically_neutral(order: list[str]) -> None:
    jwt = VALID.split("~")[0]
    result = _verify("~".join([jwt, *order, ""]), kb=False)
    assert result.claims == ORIGINAL.claims
    assert result.signed_content_digest == ORIGINAL.signed_content_digest


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_garbage_raises_only_sdjwt_errors(garbage: bytes | str) -> None:
    text = garbage.decode("latin-1") if isinstance(garbage, bytes) else garbage
    try:
        _verify(text, kb=False)
    except SdJwtError:
        return
    raise AssertionError("garbage accepted")
