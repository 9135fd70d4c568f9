"""Which credential to present: one that matches the request and is not known to be unusable.

Used by ``present`` online (the request's DCQL query: types and claim paths) and offline (the
officer's --claims, and --type when given). A credential is left out when it is of another type,
lacks a requested claim, did not pass the registry's checks (revoked, suspended, issuer suspended,
or any other failed check the wallet recorded) or has expired. A credential not yet checked against
the registry (the chain was unreachable) may be presented: the verifier checks it on chain anyway.
Among the fitting ones: a checked one before an unchecked one, then the newest.

When none fits, the holder is told why, naming each credential of the kind asked for and what is
wrong with it, rather than being shown a presentation the officer will refuse.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from nansen.openid4vp.dcql import ClaimsQuery
from nansen.openid4vp.dcql_match import unmet_claims
from nansen.openid4vp.dcql_paths import path_text
from wallet_cli.credential_record import ChainCheck, chain_check, expires_at, with_content
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _
from wallet_cli.store.wallet import StoredCredential

ClaimPath = tuple[str, ...]


@dataclass(frozen=True)
class Wanted:
    vct_values: tuple[str, ...]  # empty: any type
    claims: tuple[ClaimPath, ...]


def unusable_reason(record: dict[str, object], *, now: float) -> str | None:
    """Why the wallet knows this credential will be refused, or None."""
    if chain_check(record) is ChainCheck.INVALID:
        code = str(record.get("chain_reason") or "?")
        last = code.rsplit(":", 1)[-1]  # reason codes may name the failing part ("status:revoked")
        if last == "revoked":
            return _("revoked by its issuer")
        if last == "suspended":
            return _("suspended by its issuer")
        if last == "issuer_suspended":
            return _("its issuer is suspended")
        return _("did not pass the registry checks ({reason})").format(reason=code)
    expiry = expires_at(record)
    if expiry is not None and expiry <= now:
        return _("expired")
    return None


def choose(
    stored: Sequence[StoredCredential],
    wanted: Wanted,
    *,
    credential_id: str | None = None,
    now: float | None = None,
) -> StoredCredential:
    """The credential to present, or a WalletError saying why there is none."""
    moment = time.time() if now is None else now
    credentials = [StoredCredential(c.id, with_content(c.record)) for c in stored]
    if credential_id:
        credentials = [c for c in credentials if c.id == credential_id]
        if not credentials:
            raise WalletError(
                _("There is no credential {id}. See your credentials with: nansen-wallet list").format(
                    id=credential_id
                ),
                ExitCode.NOT_FOUND,
            )
    of_type = [c for c in credentials if not wanted.vct_values or c.record.get("vct") in wanted.vct_values]
    if not of_type:
        raise WalletError(_("You have no credential of the kind the verifier asks for."), ExitCode.NOT_FOUND)
    asked = [ClaimsQuery(path) for path in wanted.claims]
    with_claims = [c for c in of_type if not unmet_claims(_claims(c), asked)]
    if not with_claims:
        missing = unmet_claims(_claims(of_type[-1]), asked)
        raise WalletError(
            _("Your credential does not have: {claims}").format(
                claims=", ".join(path_text(m.path) for m in missing)
            ),
            ExitCode.NOT_FOUND,
        )
    usable = [c for c in with_claims if unusable_reason(c.record, now=moment) is None]
    if not usable:
        reasons = "; ".join(f"{c.id}: {unusable_reason(c.record, now=moment)}" for c in with_claims)
        raise WalletError(
            _(
                "None of your credentials of this kind can be used ({reasons}). The officer would "
                "refuse them; ask the organisation that issued them for a new one."
            ).format(reasons=reasons),
            ExitCode.VERIFICATION_FAILED,
        )
    if not wanted.vct_values and len({c.record.get("vct") for c in usable}) > 1:
        raise WalletError(
            _("Several kinds of your credentials hold these claims. Choose one with --type or --credential."),
            ExitCode.USAGE,
        )
    return max(usable, key=_preference)


def _claims(stored: StoredCredential) -> dict[str, object]:
    claims = stored.record.get("claims")
    return claims if isinstance(claims, dict) else {}


def _preference(stored: StoredCredential) -> tuple[bool, int]:
    received = stored.record.get("received_at")
    checked = chain_check(stored.record) is ChainCheck.VALID
    return checked, received if isinstance(received, int) else 0
