"""The C module (nansen/crypto/_native.c) against independent references: ``cryptography`` for
ES256, the pure-Python base64url decoder, ``hashlib`` and the pure-Python Merkle walk."""

from __future__ import annotations

import contextlib
import hashlib
import os

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from nansen.crypto import keys
from nansen.crypto.b64 import b64url_decode_in_python, b64url_encode
from nansen.crypto.errors import DuplicateKeyError, EncodingError
from nansen.merkle import InclusionProof, build_tree, compute_root_in_python, leaf_hash

if os.environ.get("NANSEN_PURE_PYTHON") == "1":
    pytest.skip("built without the C module (NANSEN_PURE_PYTHON=1)", allow_module_level=True)

from nansen.crypto import _native as native

N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
ALGORITHM = ec.ECDSA(hashes.SHA256())


def test_the_native_module_is_built_and_used() -> None:
    """CI builds it (hatch_build.py); without it verification silently runs a third slower."""
    assert keys.NATIVE_VERIFIER


def _raw(public: ec.EllipticCurvePublicKey) -> bytes:
    numbers = public.public_numbers()
    return numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")


def _signed(message: bytes) -> tuple[ec.EllipticCurvePrivateKey, bytes, bytes]:
    private = ec.generate_private_key(ec.SECP256R1())
    r, s = decode_dss_signature(private.sign(message, ALGORITHM))
    return private, hashlib.sha256(message).digest(), r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _both(xy: bytes) -> list[native.VerifyingKey]:
    plain, table = native.VerifyingKey(xy), native.VerifyingKey(xy)
    table.precompute()
    assert table.precomputed and not plain.precomputed
    return [plain, table]


@settings(max_examples=40, deadline=None)
@given(message=st.binary(max_size=300), flip=st.integers(0, 511), which=st.sampled_from(["sig", "dig"]))
def test_es256_agrees_with_cryptography(message: bytes, flip: int, which: str) -> None:
    private, digest, signature = _signed(message)
    for key in _both(_raw(private.public_key())):
        assert key.verify_digest(digest, signature)
        if which == "sig":
            tampered = bytearray(signature)
            tampered[flip // 8] ^= 1 << (flip % 8)
            assert not key.verify_digest(digest, bytes(tampered))
        else:
            tampered = bytearray(digest)
            tampered[(flip // 8) % 32] ^= 1 << (flip % 8)
            assert not key.verify_digest(bytes(tampered), signature)


def test_es256_accepts_the_malleable_twin_like_openssl() -> None:
    """(r, n - s) verifies too: bookkeeping is keyed on signed content, never on signatures."""
    private, digest, signature = _signed(b"payload")
    s = int.from_bytes(signature[32:], "big")
    twin = signature[:32] + (N - s).to_bytes(32, "big")
    for key in _both(_raw(private.public_key())):
        assert key.verify_digest(digest, twin)


@pytest.mark.parametrize(
    "r, s",
    [(0, 1), (1, 0), (N, 1), (1, N), (N + 1, 1), (2**256 - 1, 1), (1, 2**256 - 1)],
)
def test_es256_refuses_r_or_s_out_of_range(r: int, s: int) -> None:
    private, digest, _ = _signed(b"x")
    for key in _both(_raw(private.public_key())):
        assert not key.verify_digest(digest, r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def test_es256_refuses_when_the_sum_is_the_point_at_infinity() -> None:
    """With d known, e = -r*d mod n makes u1*G + u2*Q the point at infinity: never valid."""
    private = ec.generate_private_key(ec.SECP256R1())
    d = private.private_numbers().private_value
    r, s = 12345, 678
    digest = ((-r * d) % N).to_bytes(32, "big")
    for key in _both(_raw(private.public_key())):
        assert not key.verify_digest(digest, r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def test_keys_off_the_curve_or_of_the_wrong_size_are_refused() -> None:
    private, _, _ = _signed(b"x")
    xy = bytearray(_raw(private.public_key()))
    xy[-1] ^= 1
    with pytest.raises(ValueError, match="not a point on P-256"):
        native.VerifyingKey(bytes(xy))
    with pytest.raises(ValueError, match="64 bytes"):
        native.VerifyingKey(b"\x04" + bytes(xy))
    with pytest.raises(ValueError, match="not a point"):
        native.VerifyingKey(bytes(64))
    key = native.VerifyingKey(_raw(private.public_key()))
    with pytest.raises(ValueError):
        key.verify_digest(b"short", bytes(64))
    with pytest.raises(TypeError):
        key.verify_digest("not bytes", bytes(64))  # type: ignore[arg-type]


def test_public_key_verifies_through_both_paths_alike() -> None:
    private, digest, signature = _signed(b"content")
    public = keys.public_key_from_raw(_raw(private.public_key()))
    assert public.verify_digest(digest, signature)
    assert public.precomputed().verify_digest(digest, signature)
    assert not public.verify_digest(digest, signature[:-1] + bytes([signature[-1] ^ 1]))
    assert not public.verify_digest(digest, signature[:63])


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B64_CHARS = st.text(alphabet=_ALPHABET + "+/= \n.é", max_size=40)


def _outcome(decode: object, text: str | bytes) -> object:
    try:
        return decode(text)  # type: ignore[operator]
    except (EncodingError, ValueError, TypeError) as exc:
        return type(exc).__name__ if not isinstance(exc, EncodingError) else "EncodingError"


@settings(max_examples=400, deadline=None)
@given(text=_B64_CHARS | st.binary(max_size=12).map(b64url_encode))
def test_b64url_decode_agrees_with_the_python_decoder(text: str) -> None:
    expected = _outcome(b64url_decode_in_python, text)
    got = _outcome(native.b64url_decode, text)
    if isinstance(expected, bytes):
        assert got == expected
        assert native.b64url_decode(text.encode("ascii")) == expected
    else:
        assert got == "ValueError"


def test_b64url_decode_refuses_non_canonical_tails_and_other_types() -> None:
    assert native.b64url_decode("AQ") == b"\x01"
    for bad in ("AR", "AQF", "A", "AQ==", "AQ\n"):
        with pytest.raises(ValueError):
            native.b64url_decode(bad)
    with pytest.raises(TypeError):
        native.b64url_decode(12)  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet="abcXYZ019-_~.", max_size=300))
def test_sha256_b64url_agrees_with_hashlib(text: str) -> None:
    assert native.sha256_b64url(text) == b64url_encode(hashlib.sha256(text.encode()).digest())


def test_sha256_b64url_refuses_non_ascii() -> None:
    with pytest.raises(ValueError):
        native.sha256_b64url("é")


@settings(max_examples=60, deadline=None)
@given(count=st.integers(1, 70), data=st.data())
def test_merkle_root_agrees_with_the_python_walk(count: int, data: st.DataObject) -> None:
    tree = build_tree([leaf_hash(i.to_bytes(4, "big")) for i in range(count)])
    index = data.draw(st.integers(0, count - 1))
    proof = tree.proof(index)
    leaf = leaf_hash(index.to_bytes(4, "big"))
    assert native.merkle_root(leaf, proof.index, proof.leaf_count, proof.siblings) == tree.root
    assert compute_root_in_python(leaf_hash=leaf, proof=proof) == tree.root
    if proof.siblings:  # a missing, extra or shortened sibling never fits
        wrong = (proof.siblings[:-1], (*proof.siblings, proof.siblings[0]), (b"x", *proof.siblings[1:]))
        for siblings in wrong:
            with pytest.raises(ValueError):
                native.merkle_root(leaf, proof.index, proof.leaf_count, siblings)
    other = InclusionProof(index, count + 1, proof.siblings)
    with contextlib.suppress(ValueError):  # another batch size: misfit, or another root
        assert native.merkle_root(leaf, other.index, other.leaf_count, other.siblings) != tree.root


def test_merkle_root_refuses_impossible_positions() -> None:
    leaf = leaf_hash(b"x")
    for index, count in ((0, 0), (1, 1), (0, (1 << 32) + 1)):
        with pytest.raises(ValueError):
            native.merkle_root(leaf, index, count, ())
    with pytest.raises(OverflowError):
        native.merkle_root(leaf, -1, 2, ())


def test_the_pure_fallbacks_give_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a NANSEN_PURE_PYTHON=1 build runs instead: ``cryptography`` for ES256, Python hooks."""
    from nansen.crypto import jsonstrict
    from nansen.sdjwt import disclosures

    private, digest, signature = _signed(b"content")
    monkeypatch.setattr(keys, "_NativeKey", None)
    public = keys.public_key_from_raw(_raw(private.public_key())).precomputed()
    assert public.verify_digest(digest, signature)
    assert not public.verify_digest(digest, signature[:-1] + bytes([signature[-1] ^ 1]))
    with pytest.raises(keys.KeyFormatError):
        keys.public_key_from_raw(bytes(64))
    encoded = b64url_encode('["salt","name","é"]'.encode())
    assert disclosures._open_in_python(encoded) == native.open_disclosure(encoded)
    pairs = [("a", 1), ("b", [2])]
    assert jsonstrict._no_duplicates(pairs) == native.unique_object(pairs)
    with pytest.raises(DuplicateKeyError):
        jsonstrict._no_duplicates([("a", 1), ("a", 2)])
    with pytest.raises(KeyError):
        native.unique_object([("a", 1), ("a", 2)])
