"""How fast this machine is right now: the shared development machine's speed drifts by a third
over a day, so benchmarks measure the cost every verification must pay — two P-256 signature
checks — in the same run, and readers can compare figures taken on different days."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from bench.timing import interleaved_rates
from nansen.crypto.keys import generate_private_key, public_key_from_jwk, public_key_from_raw


def two_p256_verifications() -> Callable[[], None]:
    """One pair of raw ES256 verifications (OpenSSL through cryptography) over JWT-sized inputs —
    an issuer-signed JWT and a KB-JWT: the ceiling of any SD-JWT+KB verifier here, doing nothing else."""
    algorithm = ec.ECDSA(hashes.SHA256())
    signed = []
    for size in (2600, 250):
        key, data = ec.generate_private_key(ec.SECP256R1()), os.urandom(size)
        signed.append((key.public_key(), key.sign(data, algorithm), data))

    def verify_pair() -> None:
        for public, signature, data in signed:
            public.verify(signature, data, algorithm)

    return verify_pair


def two_p256_verifications_per_second(seconds: float = 2.0) -> float:
    """Pairs of raw ES256 verifications per second on one core."""
    return interleaved_rates({"pair": two_p256_verifications()}, seconds)["pair"]


def our_two_p256_verifications() -> Callable[[], None]:
    """The same pair as our verifier pays for it: the issuer key with its precomputed table, the
    holder key parsed from its JWK each time (the C module when built, ``cryptography`` if not)."""
    issuer, holder = generate_private_key(), generate_private_key()
    issuer_key = public_key_from_raw(issuer.public_key().raw()).precomputed()
    holder_jwk = holder.public_key().jwk()
    signed = []
    for key, size in ((issuer, 2600), (holder, 250)):
        data = os.urandom(size)
        digest = hashlib.sha256(data).digest()
        signed.append((digest, key.sign_digest(digest)))

    def verify_pair() -> None:
        (issuer_digest, issuer_sig), (holder_digest, holder_sig) = signed
        assert issuer_key.verify_digest(issuer_digest, issuer_sig)
        assert public_key_from_jwk(holder_jwk).verify_digest(holder_digest, holder_sig)

    return verify_pair
