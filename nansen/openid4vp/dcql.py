"""Digital Credentials Query Language (OpenID4VP 1.0 section 6), the subset for SD-JWT VC.

Supported: one or more ``credentials`` of format ``dc+sd-jwt`` with ``meta.vct_values`` and
``claims`` given by ``path`` arrays of object keys (array indices and ``null`` wildcards are
refused with a clear error). ``claim_sets`` and ``credential_sets`` are refused: a request that
needs them is not silently answered with less.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nansen.openid4vp.errors import ClaimsMissingError, DcqlError

FORMAT = "dc+sd-jwt"
ClaimPath = tuple[str, ...]
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
MAX_CLAIMS = 64


@dataclass(frozen=True, slots=True)
class CredentialQuery:
    id: str
    vct_values: tuple[str, ...]
    claims: tuple[ClaimPath, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "format": FORMAT,
            "meta": {"vct_values": list(self.vct_values)},
            "claims": [{"path": list(path)} for path in self.claims],
        }


@dataclass(frozen=True, slots=True)
class DcqlQuery:
    credentials: tuple[CredentialQuery, ...]

    def to_json(self) -> dict[str, Any]:
        return {"credentials": [c.to_json() for c in self.credentials]}


def build_query(credential_id: str, vct: str, claim_paths: Sequence[ClaimPath]) -> DcqlQuery:
    return parse_query(
        {"credentials": [CredentialQuery(credential_id, (vct,), tuple(claim_paths)).to_json()]}
    )


def _path(unverified: Any) -> ClaimPath:
    if not isinstance(unverified, list) or not unverified or len(unverified) > 8:
        raise DcqlError("a claim path is a non-empty array of at most 8 elements")
    if not all(isinstance(p, str) and p and len(p) <= 128 for p in unverified):
        raise DcqlError("only object-key claim paths are supported (no array indices or null wildcards)")
    return tuple(unverified)


def parse_query(unverified: Any) -> DcqlQuery:
    if not isinstance(unverified, Mapping) or not isinstance(unverified.get("credentials"), list):
        raise DcqlError("a DCQL query is an object with a credentials array")
    if "credential_sets" in unverified:
        raise DcqlError("credential_sets are not supported")
    entries = unverified["credentials"]
    if not 1 <= len(entries) <= 8:
        raise DcqlError("a DCQL query asks for 1 to 8 credentials")
    queries = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise DcqlError("each credential query is an object")
        query_id = entry.get("id")
        if not isinstance(query_id, str) or not query_id or not set(query_id) <= _ID_CHARS:
            raise DcqlError("a credential query id is a non-empty string of letters, digits, _ and -")
        if entry.get("format") != FORMAT:
            raise DcqlError(f"only the {FORMAT} format is supported")
        if "claim_sets" in entry:
            raise DcqlError("claim_sets are not supported")
        meta = entry.get("meta")
        vcts = meta.get("vct_values") if isinstance(meta, Mapping) else None
        if not isinstance(vcts, list) or not vcts or not all(isinstance(v, str) for v in vcts):
            raise DcqlError("meta.vct_values must list the accepted credential types")
        claims = entry.get("claims", [])
        if not isinstance(claims, list) or len(claims) > MAX_CLAIMS:
            raise DcqlError(f"claims must be an array of at most {MAX_CLAIMS}")
        paths = []
        for claim in claims:
            if not isinstance(claim, Mapping) or "values" in claim:
                raise DcqlError("each claim is an object with a path (value matching is not supported)")
            paths.append(_path(claim.get("path")))
        queries.append(CredentialQuery(query_id, tuple(vcts), tuple(paths)))
    if len({q.id for q in queries}) != len(queries):
        raise DcqlError("credential query ids must be unique")
    return DcqlQuery(tuple(queries))


def _lookup(claims: Mapping[str, Any], path: ClaimPath) -> tuple[bool, Any]:
    node: Any = claims
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return False, None
        node = node[key]
    return True, node


def missing_claims(query: CredentialQuery, claims: Mapping[str, Any]) -> list[ClaimPath]:
    """Requested claim paths that ``claims`` does not hold."""
    return [path for path in query.claims if not _lookup(claims, path)[0]]


def requested_only(query: CredentialQuery, disclosed: Mapping[str, Any]) -> dict[str, Any]:
    """Exactly the requested claims of ``disclosed``; raises naming any that are missing."""
    missing = missing_claims(query, disclosed)
    if missing:
        raise ClaimsMissingError(list(missing))
    out: dict[str, Any] = {}
    for path in query.claims:
        _, value = _lookup(disclosed, path)
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return out
