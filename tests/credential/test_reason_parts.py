"""A failed check is named after the part of the presentation that failed, whatever the reason code:
"malformed" or "too_deep" in the KB-JWT is key binding's, in a disclosure the disclosures'."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from world import NOW, World

from nansen.credential.result import CheckName, Outcome, Verdict
from nansen.credential.verification import CredentialVerifier
from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.jws import sign_compact
from nansen.sdjwt.compact import sd_hash
from nansen.sdjwt.disclosures import create_disclosure, digest_of

AUD = "x509_san_dns:verifier.example"
NONCE = "n-0S6_WzA2Mj"
DEEP = {"a": [[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]}  # deeper than the 16 levels allowed


def _kb(world: World, presented: str, header: dict[str, Any] | None = None, **claims: Any) -> str:
    payload = {"iat": NOW - 5, "aud": AUD, "nonce": NONCE, "sd_hash": sd_hash(presented), **claims}
    return sign_compact(
        header=header or {"typ": "kb+jwt"}, payload=json.dumps(payload).encode(), key=world.holder_key
    )


def _with_kb(world: World, kb: Callable[[str], str], *, disclosures: int = 2) -> str:
    issued = world.issue()[0]
    presented = "~".join([issued.jwt, *(d.encoded for d in issued.disclosures[:disclosures]), ""])
    return presented + kb(presented)


def _unsigned_kb(header: dict[str, Any], presented: str) -> str:
    payload = {"iat": NOW - 5, "aud": AUD, "nonce": NONCE, "sd_hash": sd_hash(presented)}
    return f"{b64url_encode(json.dumps(header).encode())}.{b64url_encode(json.dumps(payload).encode())}."


def _resigned(world: World, change: Callable[[dict[str, Any]], list[str]]) -> str:
    """The issuer's own key signs a payload that ``change`` edits (it returns the disclosures to
    present), with a valid KB-JWT: only the part ``change`` broke can fail."""
    issued = world.issue()[0]
    payload = json.loads(b64url_decode(issued.jwt.split(".")[1]))
    disclosures = change(payload)
    jwt = sign_compact(
        header={"typ": "dc+sd-jwt", "kid": world.kid},
        payload=json.dumps(payload).encode(),
        key=world.issuer_key,
    )
    presented = "~".join([jwt, *disclosures, ""])
    return presented + _kb(world, presented)


def _unsigned_issuer_jwt(world: World) -> str:
    presentation = _with_kb(world, lambda p: _kb(world, p))
    header = presentation.split(".", 1)[0]
    return presentation.replace(header, b64url_encode(b'{"alg":"none","typ":"dc+sd-jwt"}'), 1)


def _element_disclosure_under_sd(payload: dict[str, Any]) -> list[str]:
    element = create_disclosure(None, "SY", secrets)  # [salt, value]: an array element's shape
    payload["_sd"] = [*payload["_sd"], element.digest]
    return [element.encoded]


def _raw_disclosure(array: list[Any]) -> Callable[[dict[str, Any]], list[str]]:
    def change(payload: dict[str, Any]) -> list[str]:
        encoded = b64url_encode(json.dumps(array).encode())
        payload["_sd"] = [*payload["_sd"], digest_of(encoded)]
        return [encoded]

    return change


def _set(**members: Any) -> Callable[[dict[str, Any]], list[str]]:
    def change(payload: dict[str, Any]) -> list[str]:
        payload.update(members)
        for name, value in members.items():
            if value is None:
                del payload[name]
        return []

    return change


CASES: dict[str, tuple[Callable[[World], str], str]] = {
    "kb alg none": (
        lambda w: _with_kb(w, lambda p: _unsigned_kb({"alg": "none", "typ": "kb+jwt"}, p)),
        "key_binding:alg_not_allowed",
    ),
    "kb alg HS256": (
        lambda w: _with_kb(w, lambda p: _unsigned_kb({"alg": "HS256", "typ": "kb+jwt"}, p) + "AAAA"),
        "key_binding:alg_not_allowed",
    ),
    "kb carries its own key": (
        lambda w: _with_kb(
            w, lambda p: _kb(w, p, {"typ": "kb+jwt", "jwk": dict(w.holder_key.public_key().jwk())})
        ),
        "key_binding:header_forbidden",
    ),
    "kb nested too deep": (lambda w: _with_kb(w, lambda p: _kb(w, p, extra=DEEP)), "key_binding:too_deep"),
    "kb not three parts": (lambda w: _with_kb(w, lambda p: "abc.def"), "key_binding:malformed"),
    "kb payload not JSON": (
        lambda w: _with_kb(
            w,
            lambda p: sign_compact(header={"typ": "kb+jwt"}, payload=b"{not json", key=w.holder_key),
        ),
        "key_binding:malformed",
    ),
    "array-element disclosure under _sd": (
        lambda w: _resigned(w, _element_disclosure_under_sd),
        "disclosures:malformed",
    ),
    "disclosure of four elements": (
        lambda w: _resigned(w, _raw_disclosure(["salt", "name", "value", "extra"])),
        "disclosures:malformed",
    ),
    "disclosure nested too deep": (
        lambda w: _resigned(w, _raw_disclosure(["salt", "extra", DEEP])),
        "disclosures:too_deep",
    ),
    "disclosure repeats a member name": (
        lambda w: _resigned(w, lambda p: [b64url_encode(b'["salt","x",{"a":1,"a":2}]')]),
        "disclosures:duplicate_key",
    ),
    "disclosure not base64url": (lambda w: _resigned(w, lambda p: ["not*base64"]), "disclosures:malformed"),
    "empty disclosure": (
        lambda w: _resigned(w, lambda p: ["x"]).replace("~x~", "~~"),
        "disclosures:malformed",
    ),
    "unsupported _sd_alg": (
        lambda w: _resigned(w, _set(_sd_alg="sha-512")),
        "disclosures:sd_alg_unsupported",
    ),
    "exp not a number": (lambda w: _resigned(w, _set(exp="tomorrow")), "validity_period:malformed"),
    "no exp": (lambda w: _resigned(w, _set(exp=None)), "validity_period:claim_missing"),
    "no iat": (lambda w: _resigned(w, _set(iat=None)), "issuer_trust:iat_missing"),
    "issuer JWT alg none": (lambda w: _unsigned_issuer_jwt(w), "signature:alg_not_allowed"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_reason_names_the_part_that_failed(world: World, case: str) -> None:
    build, expected = CASES[case]
    verifier = CredentialVerifier(world.trust, clock=lambda: NOW)
    result = verifier.verify_presentation(build(world), audience=AUD, nonce=NONCE)
    assert (result.verdict, result.reason) == (Verdict.INVALID, expected)
    assert result.check(CheckName(expected.split(":")[0])).outcome is Outcome.FAILED
