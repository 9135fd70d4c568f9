"""P-256 keys: JWK/raw/PEM forms, thumbprints, did:jwk, against vectors and jwcrypto."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jwcrypto import jwk as jwcrypto_jwk

from nansen.crypto.b64 import b64url_encode
from nansen.crypto.didjwk import decode_did_jwk, did_from_public_key, public_key_from_did, verification_method
from nansen.crypto.errors import DidJwkError, KeyFormatError, UnsupportedKeyError, WrongPassphraseError
from nansen.crypto.keys import (
    encrypt_private_key,
    generate_private_key,
    jwk_kid,
    jwk_thumbprint,
    load_encrypted_private_key,
    private_key_from_jwk,
    private_key_to_jwk,
    public_key_from_jwk,
    public_key_from_raw,
)

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
RFC7515_ES256 = json.loads((VECTORS / "jose-cookbook-rfc7520" / "rfc7515_appendix_a.json").read_text())[1][
    "key"
]


def test_private_jwk_round_trip_from_rfc7515() -> None:
    key = private_key_from_jwk(RFC7515_ES256)
    assert private_key_to_jwk(key) == {k: RFC7515_ES256[k] for k in ("kty", "crv", "x", "y", "d")}
    assert public_key_from_raw(key.public_key().raw()) == key.public_key()
    assert len(key.public_key().raw()) == 64


def test_generated_key_round_trips_and_thumbprint_matches_jwcrypto() -> None:
    key = generate_private_key().public_key()
    jwk = key.jwk()
    assert public_key_from_jwk(jwk).raw() == key.raw()
    reference = jwcrypto_jwk.JWK(**jwk).thumbprint()
    assert jwk_kid(jwk) == reference == key.kid()
    assert len(jwk_thumbprint(jwk)) == 32


def test_thumbprint_ignores_optional_members() -> None:
    jwk = {**generate_private_key().public_key().jwk(), "kid": "x", "use": "sig"}
    assert jwk_kid(jwk) == jwcrypto_jwk.JWK(**jwk).thumbprint()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"kty": "RSA"}, UnsupportedKeyError),
        ({"crv": "P-384"}, UnsupportedKeyError),
        ({"x": RFC7515_ES256["x"][:-2]}, KeyFormatError),
        ({"y": RFC7515_ES256["x"]}, KeyFormatError),  # not on the curve
        ({"x": 5}, KeyFormatError),
        ({"x": RFC7515_ES256["x"] + "="}, KeyFormatError),
    ],
)
def test_public_jwk_refusals(change: dict[str, object], error: type[Exception]) -> None:
    public = {k: RFC7515_ES256[k] for k in ("kty", "crv", "x", "y")}
    with pytest.raises(error):
        public_key_from_jwk({**public, **change})


def test_public_jwk_with_private_member_refused() -> None:
    with pytest.raises(KeyFormatError, match="'d'"):
        public_key_from_jwk(RFC7515_ES256)


def test_private_jwk_mismatched_public_refused() -> None:
    other = generate_private_key().public_key().jwk()
    with pytest.raises(KeyFormatError, match="do not match"):
        private_key_from_jwk({**RFC7515_ES256, "x": other["x"], "y": other["y"]})


def test_cookbook_p521_key_is_unsupported() -> None:
    jwk = json.loads((VECTORS / "jose-cookbook-rfc7520" / "jwk" / "3_2.ec_private_key.json").read_text())
    with pytest.raises(UnsupportedKeyError, match="P-521"):
        private_key_from_jwk(jwk)


def test_raw_refusals() -> None:
    with pytest.raises(KeyFormatError, match="64 bytes"):
        public_key_from_raw(b"\x01" * 63)
    with pytest.raises(KeyFormatError, match="not a point"):
        public_key_from_raw(b"\x01" * 64)


def test_encrypted_private_key_round_trip_and_wrong_passphrase() -> None:
    key = generate_private_key()
    blob = encrypt_private_key(key, b"correct horse")
    assert b"ENCRYPTED PRIVATE KEY" in blob
    assert load_encrypted_private_key(blob, b"correct horse").public_key() == key.public_key()
    with pytest.raises(WrongPassphraseError):
        load_encrypted_private_key(blob, b"wrong")
    with pytest.raises(KeyFormatError):
        encrypt_private_key(key, b"")
    assert private_key_to_jwk(key)["d"] not in repr(key)


DID_VECTORS = json.loads((VECTORS / "did-jwk" / "did_jwk_vectors.json").read_text())


@pytest.mark.parametrize("vector", DID_VECTORS, ids=[v["name"] for v in DID_VECTORS])
def test_did_jwk_vectors_decode(vector: dict[str, object]) -> None:
    assert decode_did_jwk(str(vector["did"])) == vector["decoded_jwk"]
    assert decode_did_jwk(str(vector["did_url"])) == vector["decoded_jwk"]


def test_did_jwk_p256_vector_gives_key_and_round_trips() -> None:
    vector = DID_VECTORS[0]
    key = public_key_from_did(vector["did_url"])
    assert key.jwk() == {k: vector["decoded_jwk"][k] for k in ("kty", "crv", "x", "y")}
    did = did_from_public_key(key)
    assert public_key_from_did(did) == key
    assert verification_method(did) == did + "#0"


def test_did_jwk_x25519_is_unsupported_as_signing_key() -> None:
    with pytest.raises(UnsupportedKeyError):
        public_key_from_did(DID_VECTORS[1]["did"])


@pytest.mark.parametrize(
    "bad",
    [
        "did:key:abc",
        "did:jwk:!!!",
        "did:jwk:" + b64url_encode(b"[1]"),
        "did:jwk:" + b64url_encode(b'{"kty":"EC","kty":"EC"}'),
        DID_VECTORS[0]["did"] + "#1",
        "did:jwk:" + b64url_encode(json.dumps(RFC7515_ES256).encode()),
    ],
)
def test_did_jwk_refusals(bad: str) -> None:
    with pytest.raises(DidJwkError):
        decode_did_jwk(bad)
