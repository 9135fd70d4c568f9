"""The IETF Token Status List reference inside a credential: status.status_list {idx, uri}."""

from __future__ import annotations

from typing import Any

from nansen.errors import CredentialError

STATUS_LIST_PATH = "/status-list"


class StatusClaimError(CredentialError):
    reason = "status_malformed"


def status_list_uri(issuer_id: str) -> str:
    """The uri naming an issuer's list; also where the issuer serves it as a status list token."""
    return issuer_id.rstrip("/") + STATUS_LIST_PATH


def status_claim(issuer_id: str, index: int) -> dict[str, Any]:
    return {"status_list": {"idx": index, "uri": status_list_uri(issuer_id)}}


def parse_status_index(unverified: Any, *, issuer_id: str, list_size: int) -> int:
    try:
        reference = unverified["status_list"]
        index, uri = reference["idx"], reference["uri"]
    except (KeyError, TypeError) as exc:
        raise StatusClaimError("the credential has no status.status_list {idx, uri}") from exc
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < list_size:
        raise StatusClaimError("status list index is out of range")
    if uri != status_list_uri(issuer_id):
        raise StatusClaimError("status list uri does not name the issuer's list")
    return index
