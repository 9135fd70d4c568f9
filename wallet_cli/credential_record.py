"""The stored record of a credential: its own content (always) and the chain's verdict (when known).

The verdict is one of three states. ``valid``: the registry vouched for it (accredited issuer, known
key, anchored, not revoked) when it was checked. ``not_checked``: the chain could not be reached or
could not vouch yet; the content is stored all the same and the wallet checks again later.
``invalid``: a later check failed (e.g. revoked in the meantime); on receipt such a credential is
refused, never stored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from nansen.credential.result import Verdict, VerificationResult

if TYPE_CHECKING:  # the SD-JWT parser is imported only when a credential must be read
    from wallet_cli.credential_content import UnverifiedContent

CHAIN_UNREACHABLE = "chain_unreachable"


class ChainCheck(StrEnum):
    VALID = "valid"
    NOT_CHECKED = "not_checked"
    INVALID = "invalid"


def new_record(
    *,
    compact: str,
    content: UnverifiedContent,
    result: VerificationResult | None,
    offered_by: str,
    received_at: int,
    display: list[Any],
    claim_labels: list[Any],
) -> dict[str, Any]:
    """A record for a credential just received; ``result`` is None when the chain was unreachable."""
    record: dict[str, Any] = {
        "compact": compact,
        "received_at": received_at,
        "issuer_name": offered_by,
        "display": display,
        "claim_labels": claim_labels,
        **_content_fields(content),
    }
    return with_check(record, result, checked_at=received_at)


def with_check(
    record: dict[str, Any], result: VerificationResult | None, *, checked_at: int
) -> dict[str, Any]:
    """The record with the chain's verdict; an unknown verdict leaves it ``not_checked``."""
    if result is None or result.verdict is Verdict.UNKNOWN:
        state = ChainCheck.NOT_CHECKED
    elif result.verdict is Verdict.VALID:
        state = ChainCheck.VALID
    else:
        state = ChainCheck.INVALID
    updated = {
        **record,
        "chain_check": str(state),
        "chain_reason": result.reason if result is not None else CHAIN_UNREACHABLE,
        "verified": state is ChainCheck.VALID,  # kept for older readers of `list --json`
    }
    if state is not ChainCheck.NOT_CHECKED:
        updated["checked_at"] = checked_at
    if state is ChainCheck.VALID and result is not None and result.issuer_name:
        updated["issuer_name"] = result.issuer_name  # the registry's name, now that it vouched
    return updated


def chain_check(record: dict[str, Any]) -> ChainCheck:
    try:
        return ChainCheck(record["chain_check"])
    except (KeyError, ValueError):  # written by an earlier wallet version
        return ChainCheck.VALID if record.get("verified") else ChainCheck.NOT_CHECKED


def with_content(record: dict[str, Any]) -> dict[str, Any]:
    """The record, with its content decoded from the SD-JWT if an earlier wallet version stored a
    credential received while the chain was unreachable without it (no claims, no type)."""
    if record.get("claims") and record.get("vct"):
        return record
    from nansen.errors import NansenError
    from wallet_cli.credential_content import unverified_content

    try:
        content = unverified_content(record["compact"])
    except (NansenError, KeyError, TypeError):
        return record  # shown as it is; never a guess
    return {**record, **_content_fields(content)}


def personal_claims(record: dict[str, Any]) -> dict[str, Any]:
    """The claims about the person (records from earlier versions also hold iss, iat, exp, vct)."""
    from wallet_cli.credential_content import ENVELOPE_CLAIMS

    claims: dict[str, Any] = record.get("claims") or {}
    return {name: value for name, value in claims.items() if name not in ENVELOPE_CLAIMS}


def expires_at(record: dict[str, Any]) -> int | None:
    value = record.get("expires_at", (record.get("claims") or {}).get("exp"))
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _content_fields(content: UnverifiedContent) -> dict[str, Any]:
    return {
        "vct": content.vct,
        "issuer_id": content.issuer_id,
        "issued_at": content.issued_at,
        "expires_at": content.expires_at,
        "claims": content.claims,
    }
