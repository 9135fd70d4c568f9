"""SD-JWT VC verification and issuance throughput, against PyPI sd-jwt in the same run.

Prints JSON lines {"bench": "sdjwt", "metric": ..., "value": ..., "unit": ...}. Presentation: 10
claims, 5 disclosed, with a KB-JWT (two P-256 verifications per presentation).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from jwcrypto import jwk as jwcrypto_jwk
from sd_jwt.verifier import SDJWTVerifier

from bench.timing import interleaved_rates
from nansen.crypto.keys import PublicKey, generate_private_key
from nansen.sdjwt.issuance import issue_sd_jwt
from nansen.sdjwt.presentation import create_presentation
from nansen.sdjwt.verification import verify_presentation

NOW = 1_800_000_000
AUD = "https://verifier.example"
NONCE = "bench-nonce-123"
CLAIMS = {f"claim_{i}": f"value number {i}" for i in range(10)}
PAYLOAD = {
    "iss": "https://ngo.example",
    "vct": "urn:nansen:refugee-id",
    "iat": NOW - 10,
    "exp": NOW + 3600,
    **CLAIMS,
}


def _rate(fn: Callable[[], Any], seconds: float) -> float:
    fn()
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            fn()
        count += 50
    return count / elapsed


def _emit(metric: str, value: float, unit: str) -> None:
    print(json.dumps({"bench": "sdjwt", "metric": metric, "value": round(value, 2), "unit": unit}))


def main(seconds: float = 3.0) -> None:
    issuer, holder = generate_private_key(), generate_private_key()
    issuer_public = issuer.public_key()

    def issue() -> Any:
        return issue_sd_jwt(
            payload=PAYLOAD,
            disclosable=[(name,) for name in CLAIMS],
            signer_key=issuer,
            kid="k1",
            decoys=2,
            holder_key=holder.public_key(),
        )

    issued = issue()
    presentation = create_presentation(
        issued=issued.compact,
        disclose=[(f"claim_{i}",) for i in range(5)],
        holder_key=holder,
        aud=AUD,
        nonce=NONCE,
        iat=NOW,
    )

    def resolve(header: Any, payload: Any) -> PublicKey:
        return issuer_public

    def ours() -> Any:
        return verify_presentation(
            presentation, issuer_key_resolver=resolve, expected_aud=AUD, expected_nonce=NONCE, now=NOW
        )

    reference_key = jwcrypto_jwk.JWK(**issuer_public.jwk())

    def reference() -> Any:
        return SDJWTVerifier(
            presentation, lambda iss, header: reference_key, AUD, NONCE
        ).get_verified_payload()

    assert ours().claims == reference()  # same presentation, same answer, before timing anything
    rates = interleaved_rates({"ours": ours, "reference": reference}, 2 * seconds)  # side by side
    ours_rate, reference_rate = rates["ours"], rates["reference"]
    _emit("verify_presentation_per_s", ours_rate, "1/s")
    _emit("pypi_sd_jwt_verify_per_s", reference_rate, "1/s")
    _emit("verify_speedup_vs_pypi_sd_jwt", ours_rate / reference_rate, "ratio")
    _emit("issue_per_s", _rate(issue, seconds), "1/s")


if __name__ == "__main__":
    main()
