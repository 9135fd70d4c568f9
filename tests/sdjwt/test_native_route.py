"""The C module's route through an SD-JWT (read_sd_jwt, strict JSON) against the Python route.

Property: for any input, valid or mangled, verification gives the same outcome with the C module
as without it: the same claims and digests, or the same error class and words. The C route only
takes a presentation apart ahead of time when every piece parses, so a refusal must come from the
Python route, in its order.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sdjwt_support import AUD, NONCE, NOW, fixed_resolver, person_presentation

from nansen.crypto import jsonstrict
from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.jws import parse_compact, sign_compact
from nansen.sdjwt import compact
from nansen.sdjwt.disclosures import digest_of, parse_disclosure
from nansen.sdjwt.errors import IssuanceError, NotIJsonError, Part, SdJwtError
from nansen.sdjwt.issuance import issue_sd_jwt
from nansen.sdjwt.policy import Limits
from nansen.sdjwt.verification import verify_presentation

if os.environ.get("NANSEN_PURE_PYTHON") == "1":
    pytest.skip("built without the C module (NANSEN_PURE_PYTHON=1)", allow_module_level=True)

ISSUER, HOLDER, ISSUED, VALID = person_presentation()
LIMITS = Limits()


@contextlib.contextmanager
def _python_route() -> Iterator[None]:
    saved = compact._native_read, jsonstrict._native_loads
    compact._native_read = jsonstrict._native_loads = None
    try:
        yield
    finally:
        compact._native_read, jsonstrict._native_loads = saved


def _outcome(text: str, limits: Limits = LIMITS) -> Any:
    try:
        result = verify_presentation(
            text,
            issuer_key_resolver=fixed_resolver(ISSUER.public_key()),
            expected_aud=AUD,
            expected_nonce=NONCE,
            now=NOW,
            require_key_binding=False,
            limits=limits,
        )
    except SdJwtError as exc:
        return type(exc), str(exc)
    return (
        result.claims,
        result.disclosed_paths,
        result.signed_content_digest,
        result.kb_digest,
        result.header,
    )


def _same_both_ways(text: str, limits: Limits = LIMITS) -> None:
    native = _outcome(text, limits)
    with _python_route():
        assert _outcome(text, limits) == native


def test_the_c_route_takes_a_valid_presentation_apart_as_python_does() -> None:
    parts = compact.read_parts(VALID, LIMITS)
    assert (
        parts.parsed_jwt is not None and parts.parsed_disclosures is not None and parts.parsed_kb is not None
    )
    python = compact.split(VALID, max_bytes=LIMITS.max_bytes, max_disclosures=LIMITS.max_disclosures)
    assert parts[:4] == python[:4]
    assert parts.parsed_jwt == parse_compact(parts.jwt)
    assert parts.parsed_payload == json.loads(parts.parsed_jwt.payload)
    assert parts.nested_digests  # PERSON's address and nationalities hold digests of their own
    assert parts.parsed_disclosures == [
        parse_disclosure(d, max_bytes=LIMITS.max_bytes, max_depth=LIMITS.max_depth) for d in parts.disclosures
    ]
    assert parts.kb_jwt is not None and parts.parsed_kb == parse_compact(parts.kb_jwt)
    assert parts.sd_hash == compact.sd_hash(parts.sd_hash_input)
    _same_both_ways(VALID)


def _json_variant(value: Any, style: str) -> str:
    if style == "spaced":
        return json.dumps(value, indent=1)
    if style == "escaped":
        return json.dumps(value, ensure_ascii=True).replace("a", "\\u0061")
    if style == "duplicate" and isinstance(value, dict) and value:
        first = next(iter(value))
        return json.dumps(value)[:-1] + f", {json.dumps(first)}: 0}}"
    if style == "nested_sd" and isinstance(value, dict):
        return json.dumps({**value, "extra": {"_sd": []}})
    return json.dumps(value, separators=(",", ":"))


def _mutate(data: st.DataObject) -> str:
    jwt, *disclosures, kb = VALID.split("~")
    kind = data.draw(st.sampled_from(["char", "insert", "delete", "truncate", "part", "disclosure", "order"]))
    if kind in ("char", "insert", "delete"):
        i = data.draw(st.integers(0, len(VALID) - 1))
        new = data.draw(st.sampled_from("~.-_=+/ \\A0é\x00"))
        return VALID[:i] + ("" if kind == "delete" else new) + VALID[i + (kind != "insert") :]
    if kind == "truncate":
        return VALID[: data.draw(st.integers(0, len(VALID)))]
    if kind == "order":
        return "~".join([jwt, *data.draw(st.permutations(disclosures)), kb])
    style = data.draw(st.sampled_from(["spaced", "escaped", "duplicate", "nested_sd", "compact"]))
    if kind == "disclosure":
        i = data.draw(st.integers(0, len(disclosures) - 1))
        disclosures[i] = b64url_encode(
            _json_variant(json.loads(b64url_decode(disclosures[i])), style).encode()
        )
        return "~".join([jwt, *disclosures, kb])
    token = data.draw(st.sampled_from(["jwt", "kb"]))
    pieces = (jwt if token == "jwt" else kb).split(".")
    index = data.draw(st.integers(0, 1))
    pieces[index] = b64url_encode(_json_variant(json.loads(b64url_decode(pieces[index])), style).encode())
    if token == "jwt":
        jwt = ".".join(pieces)
    else:
        kb = ".".join(pieces)
    return "~".join([jwt, *disclosures, kb])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mangled_presentations_get_the_same_outcome_both_ways(data: st.DataObject) -> None:
    _same_both_ways(_mutate(data))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='~.eyJ0_-aAbB9\\"{}', max_size=80))
def test_garbage_gets_the_same_outcome_both_ways(text: str) -> None:
    _same_both_ways(text)


def test_limits_hold_alike_at_their_boundaries() -> None:
    disclosures = len(VALID.split("~")) - 2
    for limits in (
        Limits(max_bytes=len(VALID)),
        Limits(max_bytes=len(VALID) - 1),
        Limits(max_disclosures=disclosures),
        Limits(max_disclosures=disclosures - 1),
        Limits(max_depth=3),
        Limits(max_depth=2),
        Limits(max_depth=1),
    ):
        _same_both_ways(VALID, limits)


def _signed_with(payload_change: dict[str, Any], disclosure_json: bytes | None) -> str:
    """The issued SD-JWT signed again by its issuer, its payload changed and one more disclosure
    (exactly ``disclosure_json``, its digest added to the payload's ``_sd``): the signature holds,
    so only the values themselves can be refused."""
    payload = json.loads(b64url_decode(ISSUED.jwt.split(".")[1]))
    payload.update(payload_change)
    disclosures = [d.encoded for d in ISSUED.disclosures]
    if disclosure_json is not None:
        extra = b64url_encode(disclosure_json)
        disclosures.append(extra)
        payload["_sd"] = [*payload["_sd"], digest_of(extra)]
    jwt = sign_compact(
        header={"typ": "dc+sd-jwt", "kid": "k"},
        payload=json.dumps(payload).encode(),
        key=ISSUER,
    )
    return "~".join([jwt, *disclosures, ""])


I_JSON_VIOLATIONS = {
    "a 4,001-digit integer in a disclosure": (
        {},
        b'["salt","height",1' + b"0" * 4000 + b"]",
        Part.DISCLOSURES,
    ),
    "2^53 in a disclosure": ({}, b'["salt","n",9007199254740992]', Part.DISCLOSURES),
    "-2^53 in a disclosure": ({}, b'["salt","n",[-9007199254740992]]', Part.DISCLOSURES),
    "1e400 in a disclosure": ({}, b'["salt","n",1e400]', Part.DISCLOSURES),
    "a lone surrogate in a disclosed value": ({}, b'["salt","given_name","Am\\ud800ina"]', Part.DISCLOSURES),
    "a lone surrogate in a disclosed name": ({}, b'["salt","\\udc00",true]', Part.DISCLOSURES),
    "a lone surrogate in the salt": ({}, b'["\\ud83d","x",1]', Part.DISCLOSURES),
    "2^53 in the payload": ({"n": 2**53}, None, Part.ISSUER_JWT),
    "a 4,001-digit integer in the payload": ({"n": 10**4000}, None, Part.ISSUER_JWT),
    "a lone surrogate in the payload": ({"family_name": "Had\ud800dad"}, None, Part.ISSUER_JWT),
}


@pytest.mark.parametrize("case", list(I_JSON_VIOLATIONS))
def test_values_i_json_forbids_are_refused_in_both_routes_even_when_signed(case: str) -> None:
    change, disclosure, part = I_JSON_VIOLATIONS[case]
    presentation = _signed_with(change, disclosure)
    for route in (contextlib.nullcontext(), _python_route()):
        with route, pytest.raises(NotIJsonError) as refused:
            verify_presentation(
                presentation,
                issuer_key_resolver=fixed_resolver(ISSUER.public_key()),
                expected_aud=AUD,
                expected_nonce=NONCE,
                now=NOW,
                require_key_binding=False,
            )
        assert refused.value.part is part
        assert "4000" not in str(refused.value) and "Am" not in str(refused.value)  # no claim in words
    _same_both_ways(presentation)


def test_the_issuer_refuses_to_write_what_verifiers_refuse() -> None:
    for claims in ({"n": 2**53}, {"given_name": "Am\ud800ina"}, {"n": [-(2**60)]}):
        with pytest.raises(IssuanceError, match="I-JSON"):
            issue_sd_jwt(payload=claims, disclosable=[], signer_key=ISSUER, kid="k")
        with pytest.raises(IssuanceError, match="I-JSON"):
            issue_sd_jwt(payload=claims, disclosable=[(next(iter(claims)),)], signer_key=ISSUER, kid="k")
