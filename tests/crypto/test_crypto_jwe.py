"""Compact JWE, ECDH-ES + AES-GCM: RFC 7518's worked key agreement, jwcrypto (an implementation we
did not write) in both directions, and the attacks a recipient of a JWE must survive."""

from __future__ import annotations

import json

import pytest
from jwcrypto import jwe as jwcrypto_jwe
from jwcrypto import jwk as jwcrypto_jwk

from nansen.crypto import jwe
from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.errors import JweAlgorithmError, JweDecryptionError, JweError
from nansen.crypto.keys import PrivateKey, generate_private_key, private_key_from_jwk, private_key_to_jwk

# RFC 7518 Appendix C: Alice's ephemeral key, Bob's key, apu "Alice", apv "Bob", enc A128GCM
ALICE = {
    "kty": "EC",
    "crv": "P-256",
    "x": "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
    "y": "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps",
    "d": "0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo",
}
BOB = {
    "kty": "EC",
    "crv": "P-256",
    "x": "weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ",
    "y": "e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck",
    "d": "VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw",
}
RFC_7518_DERIVED_KEY = "VqqN6vgjbSBcIijNcacQGg"


def test_key_agreement_matches_rfc_7518_appendix_c() -> None:
    alice, bob = private_key_from_jwk(ALICE), private_key_from_jwk(BOB)
    key = jwe._content_key(alice, bob.public_key(), "A128GCM", b"Alice", b"Bob")
    assert b64url_encode(key) == RFC_7518_DERIVED_KEY
    assert jwe._content_key(bob, alice.public_key(), "A128GCM", b"Alice", b"Bob") == key


def _jwcrypto_key(key: PrivateKey) -> jwcrypto_jwk.JWK:
    return jwcrypto_jwk.JWK(**private_key_to_jwk(key))


@pytest.mark.parametrize("enc", ["A128GCM", "A256GCM"])
def test_jwcrypto_decrypts_ours(enc: str) -> None:
    recipient = generate_private_key()
    token = jwe.encrypt_ecdh_es(
        b'{"vp_token":{}}', recipient.public_key(), enc=enc, kid="k1", apu=b"wallet", apv=b"nonce"
    )
    theirs = jwcrypto_jwe.JWE()
    theirs.deserialize(token, key=_jwcrypto_key(recipient))
    assert theirs.payload == b'{"vp_token":{}}'
    assert json.loads(theirs.objects["protected"])["kid"] == "k1"


@pytest.mark.parametrize("enc", ["A128GCM", "A256GCM"])
def test_we_decrypt_jwcrypto(enc: str) -> None:
    recipient = generate_private_key()
    public = jwcrypto_jwk.JWK(**dict(recipient.public_key().jwk()))
    header = {"alg": "ECDH-ES", "enc": enc, "kid": "k1", "apv": b64url_encode(b"nonce")}
    theirs = jwcrypto_jwe.JWE(b"hello holder", protected=json.dumps(header))
    theirs.add_recipient(public)
    decrypted = jwe.decrypt_ecdh_es(theirs.serialize(compact=True), recipient)
    assert decrypted.plaintext == b"hello holder"
    assert decrypted.header["kid"] == "k1"
    assert jwe.peek_header(theirs.serialize(compact=True))["kid"] == "k1"


def test_another_recipient_cannot_decrypt() -> None:
    token = jwe.encrypt_ecdh_es(b"secret", generate_private_key().public_key())
    with pytest.raises(JweDecryptionError):
        jwe.decrypt_ecdh_es(token, generate_private_key())


def _with_header(token: str, **changes: object) -> str:
    parts = token.split(".")
    header = json.loads(b64url_decode(parts[0]))
    header.update(changes)
    header = {k: v for k, v in header.items() if v is not None}
    parts[0] = b64url_encode(json.dumps(header).encode())
    return ".".join(parts)


@pytest.fixture
def recipient() -> PrivateKey:
    return generate_private_key()


@pytest.fixture
def token(recipient: PrivateKey) -> str:
    return jwe.encrypt_ecdh_es(b"secret", recipient.public_key())


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"alg": "RSA1_5"}, JweAlgorithmError),
        ({"alg": "ECDH-ES+A128KW"}, JweAlgorithmError),
        ({"alg": "dir"}, JweAlgorithmError),
        ({"enc": "A128CBC-HS256"}, JweAlgorithmError),
        ({"enc": None}, JweAlgorithmError),
        ({"zip": "DEF"}, JweAlgorithmError),
        ({"crit": ["exp"]}, JweAlgorithmError),
        ({"epk": None}, JweError),
        (
            {"epk": {"kty": "OKP", "crv": "X25519", "x": "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}},
            JweError,
        ),
        # a point off the curve: the invalid-curve attack on the recipient's key
        (
            {
                "epk": {
                    "kty": "EC",
                    "crv": "P-256",
                    "x": b64url_encode(b"\x01" * 32),
                    "y": b64url_encode(b"\x02" * 32),
                }
            },
            JweError,
        ),
        ({"epk": dict(ALICE)}, JweError),  # a private member in a public key
        ({"apu": 7}, JweError),
        ({"apv": "not base64url!"}, JweError),
        ({"kid": "other"}, JweDecryptionError),  # the header is authenticated: any change fails the tag
    ],
)
def test_tampered_headers_are_refused(
    recipient: PrivateKey, token: str, changes: dict[str, object], error: type[JweError]
) -> None:
    with pytest.raises(error):
        jwe.decrypt_ecdh_es(_with_header(token, **changes), recipient)


def test_enc_outside_the_callers_list_is_refused(recipient: PrivateKey) -> None:
    token = jwe.encrypt_ecdh_es(b"secret", recipient.public_key(), enc="A256GCM")
    with pytest.raises(JweAlgorithmError):
        jwe.decrypt_ecdh_es(token, recipient, allowed_enc={"A128GCM"})


@pytest.mark.parametrize("part", [1, 2, 3, 4])
def test_damaged_parts_are_refused(recipient: PrivateKey, token: str, part: int) -> None:
    parts = token.split(".")
    parts[part] = b64url_encode(b"\x00" * 12) if part != 4 else b64url_encode(b"\x00" * 16)
    with pytest.raises(JweError):
        jwe.decrypt_ecdh_es(".".join(parts), recipient)


@pytest.mark.parametrize("bad", ["", "a.b.c", "a.b.c.d.e.f", "ünïcode.....", "x" * 300_000, "!!.!!.!!.!!.!!"])
def test_malformed_tokens_are_refused(recipient: PrivateKey, bad: str) -> None:
    with pytest.raises(JweError):
        jwe.decrypt_ecdh_es(bad, recipient)


def test_unsupported_enc_is_refused_when_encrypting(recipient: PrivateKey) -> None:
    with pytest.raises(JweAlgorithmError):
        jwe.encrypt_ecdh_es(b"x", recipient.public_key(), enc="A128CBC-HS256")
