"""A root the chain mirror has not seen is "not yet seen" (unknown: retry) until the mirror's
confirmed chain is past the time the credential claims it was anchored, plus the grace; only then
is it "not anchored" (invalid). The mirror here is at block time NOW - 1 (tests/world.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from world import NOW, World

from nansen.credential.result import CheckName, Outcome, Verdict
from nansen.credential.verification import CredentialVerifier, VerificationPolicy
from nansen.crypto.b64 import b64url_decode
from nansen.sdjwt.issuance import IssuedSdJwt, PreparedSdJwt, sign_prepared
from nansen.sdjwt.presentation import create_presentation

AUD = "x509_san_dns:verifier.example"
NONCE = "n-0S6_WzA2Mj"
GRACE = 600
MIRROR_TIME = NOW - 1


def _verify(world: World, issued: IssuedSdJwt, *, clock: int = NOW, grace: int = GRACE) -> Any:
    verifier = CredentialVerifier(
        world.trust, policy=VerificationPolicy(anchor_grace=grace, clock_skew=60), clock=lambda: clock
    )
    presentation = create_presentation(
        issued=issued.compact,
        disclose=[("nationality",)],
        holder_key=world.holder_key,
        aud=AUD,
        nonce=NONCE,
        iat=clock - 5,
    )
    return verifier.verify_presentation(presentation, audience=AUD, nonce=NONCE)


def _resigned_anchor(world: World, issued: IssuedSdJwt, **anchor_members: Any) -> IssuedSdJwt:
    """The same credential signed again by its issuer with the anchor claim's members changed
    (``None`` removes one): the anchor claim is outside the Merkle leaf, so the proof still holds."""
    body = json.loads(b64url_decode(issued.jwt.split(".")[1]))
    anchor = body.pop("anchor")
    anchor.update(anchor_members)
    anchor = {k: v for k, v in anchor.items() if v is not None}
    return sign_prepared(
        PreparedSdJwt(body, issued.disclosures),
        signer_key=world.issuer_key,
        kid=world.kid,
        extra_claims={"anchor": anchor},
    )


@pytest.mark.parametrize("anchored_at", [MIRROR_TIME + 1, MIRROR_TIME, MIRROR_TIME - GRACE])
def test_a_root_anchored_after_the_mirror_or_within_the_grace_is_not_yet_seen(
    world: World, anchored_at: int
) -> None:
    result = _verify(world, world.issue(anchor=False, anchored_at=anchored_at)[0])
    assert (result.verdict, result.reason) == (Verdict.UNKNOWN, "anchor:root_not_yet_seen")
    assert all(c.outcome is Outcome.PASSED for c in result.checks if c.name is not CheckName.ANCHOR)


def test_past_the_grace_the_root_is_not_anchored(world: World) -> None:
    result = _verify(world, world.issue(anchor=False, anchored_at=MIRROR_TIME - GRACE - 1)[0])
    assert (result.verdict, result.reason) == (Verdict.INVALID, "anchor:root_not_anchored")


def test_the_same_credential_is_valid_once_the_mirror_has_its_root(world: World) -> None:
    issued = world.issue(anchored_at=MIRROR_TIME + 1)[0]
    assert _verify(world, issued).verdict is Verdict.VALID


def test_without_anchored_at_the_issuance_time_is_the_claim(world: World) -> None:
    # credentials issued before the anchor claim had anchored_at: their iat is NOW - 100
    issued = world.issue(anchor=False)[0]
    legacy = _resigned_anchor(world, issued, anchored_at=None)
    assert "anchored_at" not in json.loads(b64url_decode(legacy.jwt.split(".")[1]))["anchor"]
    assert _verify(world, legacy).reason == "anchor:root_not_yet_seen"
    # a verifier whose clock, and so its mirror, is past iat + grace calls it what it is
    late = world.issue(anchor=False)[0]
    world.trust.age = -(GRACE + 50)  # mirror block time NOW + GRACE + 50 > iat + grace
    result = _verify(world, _resigned_anchor(world, late, anchored_at=None), clock=NOW + GRACE + 50)
    assert (result.verdict, result.reason) == (Verdict.INVALID, "anchor:root_not_anchored")


def test_a_claim_in_the_future_postpones_invalid_only_to_the_clock_plus_skew_and_grace(world: World) -> None:
    issued = world.issue(anchor=False)[0]
    far = _resigned_anchor(world, issued, anchored_at=NOW + 10**9)
    assert _verify(world, far).reason == "anchor:root_not_yet_seen"
    # a verifier clock 70 s behind its mirror (at NOW - 1): the claim counts as NOW - 70 + 60 at most
    result = _verify(world, far, clock=NOW - 70, grace=5)
    assert (result.verdict, result.reason) == (Verdict.INVALID, "anchor:root_not_anchored")


@pytest.mark.parametrize("bad", ["soon", -1, True, 1.5])
def test_a_malformed_anchored_at_is_refused(world: World, bad: Any) -> None:
    issued = _resigned_anchor(world, world.issue(anchor=False)[0], anchored_at=bad)
    result = _verify(world, issued)
    assert (result.verdict, result.reason) == (Verdict.INVALID, "anchor:anchor_malformed")


def test_a_stale_mirror_says_stale_not_unseen(world: World) -> None:
    world.trust.age = 120
    verifier = CredentialVerifier(world.trust, policy=VerificationPolicy(max_staleness=30), clock=lambda: NOW)
    presentation = create_presentation(
        issued=world.issue(anchor=False, anchored_at=NOW - 5_000)[0].compact,
        disclose=[],
        holder_key=world.holder_key,
        aud=AUD,
        nonce=NONCE,
        iat=NOW - 5,
    )
    result = verifier.verify_presentation(presentation, audience=AUD, nonce=NONCE)
    assert (result.verdict, result.check(CheckName.ANCHOR).reason) == (Verdict.UNKNOWN, "mirror_stale")
