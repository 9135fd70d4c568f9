"""How fast this machine is right now: the shared development machine's speed drifts by a third
over a day, so benchmarks measure the cost every verification must pay — two P-256 signature
checks — in the same run, and readers can compare figures taken on different days."""

from __future__ import annotations

import os
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from bench.timing import interleaved_rates


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
