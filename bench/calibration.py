"""How fast this machine is right now: the shared development machine's speed drifts by a third
over a day, so benchmarks measure the cost every verification must pay — two P-256 signature
checks — in the same run, and readers can compare figures taken on different days."""

from __future__ import annotations

import os
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec


def two_p256_verifications_per_second(seconds: float = 2.0) -> float:
    """Pairs of raw ES256 verifications (OpenSSL through cryptography) per second on one core,
    over JWT-sized inputs: the ceiling of any SD-JWT+KB verifier here, with no other work."""
    algorithm = ec.ECDSA(hashes.SHA256())
    signed = []
    for size in (2600, 250):  # an issuer-signed JWT and a KB-JWT
        key, data = ec.generate_private_key(ec.SECP256R1()), os.urandom(size)
        signed.append((key.public_key(), key.sign(data, algorithm), data))
    pairs, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(50):
            for public, signature, data in signed:
                public.verify(signature, data, algorithm)
        pairs += 50
    return pairs / elapsed
