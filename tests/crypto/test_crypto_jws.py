"""Compact JWS ES256: vectors, jwcrypto cross-check, and the classic attacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.errors import (
    AlgorithmNotAllowedError,
    CritNotUnderstoodError,
    DuplicateKeyError,
    ForbiddenHeaderError,
    JwsError,
    SignatureInvalidError,
)
from nansen.crypto.jws import (
    P256_ORDER,
    parse_compact,
    sign_compact,
    signed_content_digest,
    verify_compact,
)
from nansen.crypto.keys import generate_private_key, private_key_from_jwk, public_key_from_jwk
from nansen.errors import CryptoError

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "jose-cookbook-rfc7520"
APPENDIX_A = json.loads((VECTORS / "rfc7515_appendix_a.json").read_text())
ISSUER = generate_private_key()


def _forge(header: dict[str, object], payload: bytes, signature: bytes) -> str:
    head = b64url_encode(json.dumps(header).encode())
    return f"{head}.{b64url_encode(payload)}.{b64url_encode(signature)}"


def test_rfc7515_a3_es256_verifies() -> None:
    vector = APPENDIX_A[1]
    key = public_key_from_jwk({k: v for k, v in vector["key"].items() if k != "d"})
    verified = verify_compact(vector["compact"], key)
    assert verified.header == {"alg": "ES256"}
    assert json.loads(verified.payload)["iss"] == "joe"


def test_rfc7515_a1_hs256_is_refused_before_any_key_use() -> None:
    with pytest.raises(AlgorithmNotAllowedError, match="HS256"):
        verify_compact(APPENDIX_A[0]["compact"], ISSUER.public_key())


def test_cookbook_es512_is_refused() -> None:
    vector = json.loads((VECTORS / "jws" / "4_3.ecdsa_signature.json").read_text())
    with pytest.raises(AlgorithmNotAllowedError, match="ES512"):
        verify_compact(vector["output"]["compact"], ISSUER.public_key())


def test_our_signature_verifies_with_jwcrypto_and_theirs_with_us() -> None:
    token = sign_compact(header={"typ": "JWT", "kid": "k1"}, payload=b'{"a":1}', key=ISSUER)
    reference_key = jwcrypto_jwk.JWK(**ISSUER.public_key().jwk())
    check = jwcrypto_jws.JWS()
    check.deserialize(token)
    check.verify(reference_key, alg="ES256")
    assert check.payload == b'{"a":1}'
    private = jwcrypto_jwk.JWK(**{**ISSUER.public_key().jwk(), "d": _d()})
    theirs = jwcrypto_jws.JWS(b"hello")
    theirs.add_signature(private, alg="ES256", protected={"alg": "ES256"})
    assert verify_compact(theirs.serialize(compact=True), ISSUER.public_key()).payload == b"hello"


def _d() -> str:
    from nansen.crypto.keys import private_key_to_jwk

    return private_key_to_jwk(ISSUER)["d"]


def test_alg_none_and_hs256_with_public_key_as_secret_are_refused() -> None:
    import hashlib
    import hmac

    payload = b'{"admin":true}'
    with pytest.raises(AlgorithmNotAllowedError, match="none"):
        verify_compact(_forge({"alg": "none"}, payload, b""), ISSUER.public_key())
    head = b64url_encode(b'{"alg":"HS256"}')
    signing_input = f"{head}.{b64url_encode(payload)}".encode()
    secret = json.dumps(ISSUER.public_key().jwk()).encode()
    mac = hmac.new(secret, signing_input, hashlib.sha256).digest()
    with pytest.raises(AlgorithmNotAllowedError):
        verify_compact(f"{signing_input.decode()}.{b64url_encode(mac)}", ISSUER.public_key())
    with pytest.raises(AlgorithmNotAllowedError):  # an allow-list cannot widen beyond ES256
        verify_compact(
            f"{signing_input.decode()}.{b64url_encode(mac)}",
            ISSUER.public_key(),
            allowed_algs=frozenset({"HS256"}),
        )


@pytest.mark.parametrize("member", ["jwk", "jku", "x5u", "x5c"])
def test_key_carrying_headers_refused_unless_allowed(member: str) -> None:
    token = sign_compact(header={member: "x"}, payload=b"{}", key=ISSUER)
    with pytest.raises(ForbiddenHeaderError, match=member):
        verify_compact(token, ISSUER.public_key())
    assert (
        verify_compact(token, ISSUER.public_key(), allowed_header_keys=frozenset({member})).payload == b"{}"
    )


def test_crit_must_be_understood() -> None:
    token = sign_compact(header={"crit": ["exp"], "exp": 1}, payload=b"{}", key=ISSUER)
    with pytest.raises(CritNotUnderstoodError):
        verify_compact(token, ISSUER.public_key())
    assert verify_compact(token, ISSUER.public_key(), understood_crit=frozenset({"exp"}))
    bad = sign_compact(header={"crit": []}, payload=b"{}", key=ISSUER)
    with pytest.raises(JwsError, match="crit"):
        verify_compact(bad, ISSUER.public_key())


def test_duplicate_header_member_refused() -> None:
    head = b64url_encode(b'{"alg":"ES256","alg":"none"}')
    with pytest.raises(DuplicateKeyError):
        parse_compact(f"{head}.e30.{b64url_encode(bytes(64))}")


def test_wrong_key_and_bad_signature_lengths() -> None:
    token = sign_compact(header={}, payload=b"{}", key=ISSUER)
    with pytest.raises(SignatureInvalidError):
        verify_compact(token, generate_private_key().public_key())
    head, body, sig = token.split(".")
    with pytest.raises(SignatureInvalidError, match="64 bytes"):
        verify_compact(f"{head}.{body}.{b64url_encode(b64url_decode(sig)[:63])}", ISSUER.public_key())


def test_malleated_signature_verifies_with_the_same_content_digest() -> None:
    token = sign_compact(header={}, payload=b"{}", key=ISSUER)
    head, body, sig = token.split(".")
    raw = b64url_decode(sig)
    s = int.from_bytes(raw[32:], "big")
    malleated = f"{head}.{body}.{b64url_encode(raw[:32] + (P256_ORDER - s).to_bytes(32, 'big'))}"
    assert malleated != token
    first = verify_compact(token, ISSUER.public_key())
    second = verify_compact(malleated, ISSUER.public_key())
    assert first.signed_content_digest == second.signed_content_digest == signed_content_digest(malleated)


@pytest.mark.parametrize("bad", ["a.b", "a.b.c.d", "", "e30.e30.%%%", "WzFd.e30.AA"])
def test_malformed_compact(bad: str) -> None:
    with pytest.raises(JwsError):
        verify_compact(bad, ISSUER.public_key())


@settings(max_examples=300)
@given(st.data())
def test_any_byte_flip_is_rejected_with_a_crypto_error(data: st.DataObject) -> None:
    token = sign_compact(header={"typ": "x"}, payload=b'{"sub":"a"}', key=ISSUER)
    index = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.characters(codec="ascii"))
    mutated = token[:index] + replacement + token[index + 1 :]
    if mutated == token:
        return
    try:
        verify_compact(mutated, ISSUER.public_key())
    except CryptoError:
        return
    raise AssertionError(f"mutated token accepted: {mutated}")


def test_private_key_from_cookbook_rfc7515_signs_verifiable_tokens() -> None:
    key = private_key_from_jwk(APPENDIX_A[1]["key"])
    token = sign_compact(header={}, payload=b"x", key=key)
    assert verify_compact(token, key.public_key()).payload == b"x"


def test_a_remembered_header_is_each_callers_own() -> None:
    """Headers are parsed once and remembered; changing one caller's copy changes nobody else's."""
    token = sign_compact(header={"typ": "dc+sd-jwt", "kid": "k1"}, payload=b"{}", key=ISSUER)
    first = parse_compact(token).header
    first["kid"] = "tampered"
    first["extra"] = 1
    assert parse_compact(token).header == {"alg": "ES256", "typ": "dc+sd-jwt", "kid": "k1"}


def test_nested_header_values_are_never_shared_between_callers() -> None:
    nested = _forge({"alg": "ES256", "crit": ["b64"], "b64": True, "x": {"y": [1]}}, b"{}", bytes(64))
    first = parse_compact(nested).header
    first["crit"].append("evil")
    first["x"]["y"].append(2)
    assert parse_compact(nested).header == {"alg": "ES256", "crit": ["b64"], "b64": True, "x": {"y": [1]}}


def test_a_long_header_is_parsed_within_the_callers_limit() -> None:
    long_header = _forge({"alg": "ES256", "note": "n" * 2000}, b"{}", bytes(64))
    assert parse_compact(long_header).header["note"] == "n" * 2000
    with pytest.raises(JwsError, match="exceeds"):
        parse_compact(long_header, max_bytes=1000)
