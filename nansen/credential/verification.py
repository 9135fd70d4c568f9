"""Verifier side: a presentation checked against the chain mirror alone.

Order: issuer key from the registry (accredited issuer, known key) -> SD-JWT and KB-JWT checks
(signature, disclosures, key binding, validity period) -> issuer trust (active now, key valid at
``iat`` and at anchoring time) -> anchor proof against a root that issuer anchored -> status.
Anything the mirror cannot vouch for because it is older than ``max_staleness`` is "unknown",
never "valid"; so is a root it has not seen while its confirmed chain is not yet past the time the
root claims to have been anchored (``_unseen_root``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nansen.chain.records import CredentialStatus, IssuerRecord, SigningKeyRecord
from nansen.credential.anchor import (
    ANCHOR_CLAIM,
    AnchorClaimError,
    claimed_anchoring_time,
    content_leaf,
    prove_anchor,
)
from nansen.credential.checks import check_for
from nansen.credential.result import (
    NOT_REQUESTED,
    PASSED,
    ChainFreshness,
    Check,
    CheckName,
    Outcome,
    Verdict,
    VerificationResult,
    verdict_of,
)
from nansen.credential.status_claim import StatusClaimError, parse_status_index
from nansen.credential.trust import TrustSource
from nansen.crypto.b64 import b64url_decode
from nansen.crypto.keys import PublicKey, public_key_from_raw
from nansen.errors import NansenError
from nansen.sdjwt.errors import SdJwtError
from nansen.sdjwt.policy import Limits
from nansen.sdjwt.verification import VerifiedSdJwt, verify_issued, verify_presentation

STATUS_LIST_SIZE = 1 << 20
_PLUMBING_CLAIMS = (ANCHOR_CLAIM, "cnf", "status")  # verified, but no claim about the holder
_KEY_CACHE_SIZE = 256  # issuer keys with precomputed tables: ~40 MB at most
_KEY_BINDING_NOT_REQUESTED = Check(CheckName.KEY_BINDING, Outcome.NOT_CHECKED, NOT_REQUESTED)
# the SD-JWT checks before these passed (or raised): when these three did too, the verdict is valid
_TRUST_PASSED, _ANCHOR_PASSED, _STATUS_PASSED = (
    PASSED[CheckName.ISSUER_TRUST],
    PASSED[CheckName.ANCHOR],
    PASSED[CheckName.STATUS],
)


@dataclass(frozen=True, slots=True)
class VerificationPolicy:
    max_staleness: float = 30.0  # seconds the mirror may lag before status/anchor become unknown
    clock_skew: int = 60
    # seconds past a root's claimed anchoring time before a mirror that has not seen it says
    # "not anchored" rather than "not yet seen" (see CredentialVerifier._unseen_root)
    anchor_grace: int = 600
    kb_max_age: int = 300
    status_list_size: int = STATUS_LIST_SIZE
    limits: Limits = field(default_factory=Limits)


class _IssuerLookupError(NansenError):
    def __init__(self, check: Check) -> None:
        super().__init__(check.reason)
        self.check = check


@dataclass(slots=True)
class _Resolved:
    issuer: IssuerRecord | None = None
    key: SigningKeyRecord | None = None


class CredentialVerifier:
    def __init__(
        self,
        trust: TrustSource,
        *,
        policy: VerificationPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._trust = trust
        self._policy = policy or VerificationPolicy()
        self._clock = clock
        self._key_cache: dict[tuple[str, bytes], PublicKey] = {}
        self._registry = trust.credential_registry.lower()

    def verify_presentation(self, unverified: str, *, audience: str, nonce: str) -> VerificationResult:
        """A holder's presentation with a KB-JWT bound to ``audience`` and ``nonce``."""
        policy = self._policy
        return self._verify(
            lambda resolver, now: verify_presentation(
                unverified,
                issuer_key_resolver=resolver,
                expected_aud=audience,
                expected_nonce=nonce,
                now=now,
                clock_skew=policy.clock_skew,
                kb_max_age=policy.kb_max_age,
                limits=policy.limits,
            ),
            key_binding=True,
        )

    def verify_issued(self, unverified: str) -> VerificationResult:
        """An issued credential without key binding (the wallet checks what it receives)."""
        policy = self._policy
        return self._verify(
            lambda resolver, now: verify_issued(
                unverified,
                issuer_key_resolver=resolver,
                now=now,
                clock_skew=policy.clock_skew,
                limits=policy.limits,
            ),
            key_binding=False,
        )

    # ------------------------------------------------------------------------------------------
    def _verify(self, run: Callable[[Any, int], VerifiedSdJwt], *, key_binding: bool) -> VerificationResult:
        freshness = self._trust.freshness()
        fresh = freshness.within(self._policy.max_staleness)
        chain_freshness = ChainFreshness(freshness.block_number, freshness.block_time, freshness.age)
        resolved = _Resolved()
        now = int(self._clock())
        try:
            verified = run(self._resolver(resolved, fresh), now)
        except SdJwtError as exc:
            cause = exc.__cause__ if isinstance(exc.__cause__, _IssuerLookupError) else None
            failed = cause.check if cause else Check(check_for(exc), Outcome.FAILED, exc.reason)
            return self._early_result(failed, resolved, chain_freshness, key_binding)
        checks = [
            PASSED[CheckName.SIGNATURE],
            PASSED[CheckName.DISCLOSURES],
            PASSED[CheckName.KEY_BINDING] if key_binding else _KEY_BINDING_NOT_REQUESTED,
            PASSED[CheckName.VALIDITY_PERIOD],
        ]
        issuer, key = resolved.issuer, resolved.key
        assert issuer is not None and key is not None  # the resolver set both or raised
        payload = verified.issuer_payload
        trust_check = self._issuer_trust(issuer, key, payload, fresh)
        anchor_check, anchored_at = self._anchor(issuer, payload, fresh, freshness.block_time, now)
        if anchored_at is not None and not key.valid_at(anchored_at):
            anchor_check = Check(CheckName.ANCHOR, Outcome.FAILED, "key_not_valid_at_anchoring")
        status_check = self._status(issuer, payload, fresh)
        final = (*checks, trust_check, anchor_check, status_check)
        all_passed = (
            trust_check is _TRUST_PASSED and anchor_check is _ANCHOR_PASSED and status_check is _STATUS_PASSED
        )
        claims = verified.claims.copy()
        for plumbing in _PLUMBING_CLAIMS:
            claims.pop(plumbing, None)
        return VerificationResult(
            verdict=Verdict.VALID if all_passed else verdict_of(final),
            checks=final,
            issuer_name=issuer.name,
            issuer_id=issuer.issuer_id,
            issuer_accredited_by=issuer.accredited_by or None,
            vct=payload.get("vct"),
            claims=claims,
            freshness=chain_freshness,
            signed_content_digest=verified.signed_content_digest,
            kb_digest=verified.kb_digest,
        )

    def _resolver(
        self, resolved: _Resolved, fresh: bool
    ) -> Callable[[Mapping[str, Any], Mapping[str, Any]], PublicKey]:
        def resolve(header: Mapping[str, Any], unverified_payload: Mapping[str, Any]) -> PublicKey:
            def refuse(reason: str) -> _IssuerLookupError:
                # an issuer or key the mirror does not know may just be newer than a stale mirror
                outcome = Outcome.FAILED if fresh else Outcome.UNKNOWN
                return _IssuerLookupError(
                    Check(CheckName.ISSUER_TRUST, outcome, reason if fresh else "mirror_stale")
                )

            issuer_id = unverified_payload.get("iss")
            issuer = self._trust.issuer_by_id(issuer_id) if isinstance(issuer_id, str) else None
            if issuer is None:
                raise refuse("issuer_not_accredited")
            try:
                kid = b64url_decode(str(header.get("kid", "")))
            except NansenError:
                kid = b""
            key = self._trust.signing_key(issuer.address, kid) if len(kid) == 32 else None
            if key is None:
                raise refuse("key_unknown")
            resolved.issuer, resolved.key = issuer, key
            cached = self._key_cache.get((issuer.address, kid))
            if cached is None:
                if len(self._key_cache) >= _KEY_CACHE_SIZE:
                    self._key_cache.clear()
                # issuer keys come back for every presentation: worth their ~150 KB table each
                cached = public_key_from_raw(key.public_key).precomputed()
                self._key_cache[(issuer.address, kid)] = cached
            return cached

        return resolve

    def _issuer_trust(
        self, issuer: IssuerRecord, key: SigningKeyRecord, payload: Mapping[str, Any], fresh: bool
    ) -> Check:
        if not issuer.accredited:
            return Check(CheckName.ISSUER_TRUST, Outcome.FAILED, "issuer_not_accredited")
        if issuer.suspended:
            return Check(CheckName.ISSUER_TRUST, Outcome.FAILED, "issuer_suspended")
        iat = payload.get("iat")
        if not isinstance(iat, int) or isinstance(iat, bool):
            # the key's validity at issuance cannot be judged without an integer issuance time
            return Check(CheckName.ISSUER_TRUST, Outcome.FAILED, "iat_missing")
        if not key.valid_at(iat):
            return Check(CheckName.ISSUER_TRUST, Outcome.FAILED, "key_not_valid_at_issuance")
        if not fresh:
            return Check(CheckName.ISSUER_TRUST, Outcome.UNKNOWN, "mirror_stale")
        return PASSED[CheckName.ISSUER_TRUST]

    def _anchor(
        self, issuer: IssuerRecord, payload: Mapping[str, Any], fresh: bool, mirror_time: int, now: int
    ) -> tuple[Check, int | None]:
        try:
            anchor = prove_anchor(payload.get(ANCHOR_CLAIM), leaf=content_leaf(payload))
        except AnchorClaimError as exc:
            return Check(CheckName.ANCHOR, Outcome.FAILED, exc.reason), None
        if anchor.chain_id != self._trust.chain_id or anchor.registry.lower() != self._registry:
            return Check(CheckName.ANCHOR, Outcome.FAILED, "anchor_other_registry"), None
        if not anchor.proof_holds:
            return Check(CheckName.ANCHOR, Outcome.FAILED, "proof_mismatch"), None
        batch = self._trust.batch(anchor.root)
        if batch is None:
            if not fresh:
                return Check(CheckName.ANCHOR, Outcome.UNKNOWN, "mirror_stale"), None
            return self._unseen_root(payload, mirror_time, now), None
        if batch.issuer != issuer.address:
            return Check(CheckName.ANCHOR, Outcome.FAILED, "root_of_other_issuer"), None
        if anchor.leaf_count != batch.count:
            return Check(CheckName.ANCHOR, Outcome.FAILED, "batch_size_mismatch"), None
        return PASSED[CheckName.ANCHOR], batch.anchored_at

    def _unseen_root(self, payload: Mapping[str, Any], mirror_time: int, now: int) -> Check:
        """A root the mirror has not seen: never anchored, or anchored after the mirror's last block.

        At a border desk, "invalid" on a refugee's brand-new document is the harm to avoid. The
        issuer delivers as soon as its batch is anchored, while a mirror polls every sync interval
        and stays CONFIRMATIONS blocks behind the head (and each worker has its own). So the root
        is "not yet seen" (unknown: retry) until the mirror's confirmed chain holds a block stamped
        more than ``anchor_grace`` after the time the root claims to have been anchored: had it
        been, the mirror would hold it. Only then is it "not anchored" (invalid), so the check can
        still fail.

        The claimed time is the anchor claim's ``anchored_at`` (the anchoring block's timestamp,
        issuer-signed), else ``iat`` for credentials issued before that member existed (their
        batch is anchored within the issuer's batch window after ``iat``). The grace covers a
        reorg that moves the anchoring transaction to a later block, and the issuer anchoring the
        root again after one. A claim can postpone "invalid" to the verifier's clock plus skew plus
        grace at most: a thief holding a signing key but not the issuer's chain account gets
        "unknown" for that long, never "valid".
        """
        try:
            claimed = claimed_anchoring_time(payload.get(ANCHOR_CLAIM))
        except AnchorClaimError as exc:
            return Check(CheckName.ANCHOR, Outcome.FAILED, exc.reason)
        if claimed is None:
            iat = payload.get("iat")
            if not isinstance(iat, int) or isinstance(iat, bool):
                return Check(CheckName.ANCHOR, Outcome.FAILED, "root_not_anchored")
            claimed = iat
        policy = self._policy
        if mirror_time > min(claimed, now + policy.clock_skew) + policy.anchor_grace:
            return Check(CheckName.ANCHOR, Outcome.FAILED, "root_not_anchored")
        return Check(CheckName.ANCHOR, Outcome.UNKNOWN, "root_not_yet_seen")

    def _status(self, issuer: IssuerRecord, payload: Mapping[str, Any], fresh: bool) -> Check:
        try:
            index = parse_status_index(
                payload.get("status"), issuer_id=issuer.issuer_id, list_size=self._policy.status_list_size
            )
        except StatusClaimError as exc:
            return Check(CheckName.STATUS, Outcome.FAILED, exc.reason)
        status = self._trust.status(issuer.address, index)
        if status is CredentialStatus.REVOKED:
            return Check(CheckName.STATUS, Outcome.FAILED, "revoked")  # revoked is final: stale or not
        if not fresh:
            return Check(CheckName.STATUS, Outcome.UNKNOWN, "mirror_stale")
        if status is CredentialStatus.SUSPENDED:
            return Check(CheckName.STATUS, Outcome.FAILED, "suspended")
        if status is not CredentialStatus.VALID:
            return Check(CheckName.STATUS, Outcome.FAILED, "status_invalid")
        return PASSED[CheckName.STATUS]

    def _early_result(
        self, failed: Check, resolved: _Resolved, freshness: ChainFreshness, key_binding: bool
    ) -> VerificationResult:
        checks = tuple(
            failed if name == failed.name else Check(name, Outcome.NOT_CHECKED, "not_reached")
            for name in CheckName
        )
        issuer = resolved.issuer
        return VerificationResult(
            verdict=verdict_of(checks),
            checks=checks,
            issuer_name=issuer.name if issuer else None,
            issuer_id=issuer.issuer_id if issuer else None,
            issuer_accredited_by=(issuer.accredited_by or None) if issuer else None,
            freshness=freshness,
        )
