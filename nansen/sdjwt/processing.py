"""Replacing digests by disclosed claims (RFC 9901 section 7.1, step 3), shared by holder and verifier.

The walk enforces: each digest appears once in the whole payload (decoys included), object
disclosures only under ``_sd`` and array-element disclosures only under ``{"...": digest}``, a
disclosed name never collides with a claim at its level, ``{"...": ...}`` has exactly one key, and
nesting stays under the depth limit. Unmatched digests (decoys, undisclosed claims) vanish.

Claim paths (``ClaimPath``) name a claim in the fully processed claims: object members by name,
array elements by their index after undisclosed elements are removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nansen.sdjwt.disclosures import Digest, Disclosure
from nansen.sdjwt.errors import (
    ClaimOverwriteError,
    DigestDuplicateError,
    DisclosureDuplicateError,
    DisclosureUnreferencedError,
    MalformedError,
    TooDeepError,
)

ClaimPath = tuple[str | int, ...]
_CONTAINERS = (dict, list)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a disclosure landed: its claim path and the disclosure that contains it (if any)."""

    path: ClaimPath
    parent: Digest | None


@dataclass(slots=True)
class _Walk:
    by_digest: Mapping[str, Disclosure]
    max_depth: int
    seen: set[str] = field(default_factory=set)
    placed: dict[Digest, Placement] = field(default_factory=dict)

    def see(self, digest: Any) -> Disclosure | None:
        if not isinstance(digest, str):
            raise MalformedError("a digest in the payload is not a string")
        if digest in self.seen:
            raise DigestDuplicateError("a digest appears more than once in the SD-JWT")
        self.seen.add(digest)
        return self.by_digest.get(digest)

    def value(self, node: Any, path: ClaimPath, depth: int, parent: Digest | None) -> Any:
        if isinstance(node, dict):
            return self.obj(node, path, depth + 1, parent)
        if isinstance(node, list):
            return self.arr(node, path, depth + 1, parent)
        return node

    def obj(self, node: dict[str, Any], path: ClaimPath, depth: int, parent: Digest | None) -> dict[str, Any]:
        if depth > self.max_depth:
            raise TooDeepError(f"SD-JWT claims nest deeper than {self.max_depth}")
        out = dict(node)
        sd = out.pop("_sd", None)
        if not path:
            out.pop("_sd_alg", None)  # top level only; a disclosure cannot smuggle it back (overwrite)
        for k, v in out.items():  # scalars stay as they are; only containers are walked
            if isinstance(v, _CONTAINERS):
                out[k] = self.value(v, (*path, k), depth, parent)
        if sd is None and "_sd" not in node:
            return out
        if not isinstance(sd, list):
            raise MalformedError("_sd must be an array of digests")
        for digest in sd:
            disclosure = self.see(digest)
            if disclosure is None:
                continue  # decoy or not disclosed
            name = disclosure.name
            if name is None:
                raise MalformedError("an array-element disclosure is referenced from an _sd array")
            if name in out or name in node:
                raise ClaimOverwriteError(f"disclosed claim {name[:40]!r} would overwrite an existing claim")
            self.placed[disclosure.digest] = Placement((*path, name), parent)
            out[name] = self.value(disclosure.value, (*path, name), depth, disclosure.digest)
        return out

    def arr(self, node: list[Any], path: ClaimPath, depth: int, parent: Digest | None) -> list[Any]:
        if depth > self.max_depth:
            raise TooDeepError(f"SD-JWT claims nest deeper than {self.max_depth}")
        out: list[Any] = []
        for element in node:
            if not isinstance(element, _CONTAINERS):
                out.append(element)
            elif isinstance(element, dict) and "..." in element:
                if len(element) != 1:
                    raise MalformedError('an array element with "..." must have no other member')
                disclosure = self.see(element["..."])
                if disclosure is None:
                    continue
                if disclosure.name is not None:
                    raise MalformedError("an object-property disclosure is referenced from an array")
                here = (*path, len(out))
                self.placed[disclosure.digest] = Placement(here, parent)
                out.append(self.value(disclosure.value, here, depth, disclosure.digest))
            else:
                out.append(self.value(element, (*path, len(out)), depth, parent))
        return out


def index_disclosures(disclosures: list[Disclosure]) -> dict[str, Disclosure]:
    by_digest: dict[str, Disclosure] = {}
    for disclosure in disclosures:
        if disclosure.digest in by_digest:
            raise DisclosureDuplicateError("the same disclosure is presented twice")
        by_digest[disclosure.digest] = disclosure
    return by_digest


def unfold(
    payload: dict[str, Any], disclosures: list[Disclosure], *, max_depth: int
) -> tuple[dict[str, Any], dict[Digest, Placement]]:
    """Processed claims (without ``_sd``/``_sd_alg``) and where each disclosure was placed.

    Raises if any disclosure is unreferenced, duplicated, misplaced or would overwrite a claim.
    """
    walk = _Walk(index_disclosures(disclosures), max_depth)
    claims = walk.obj(payload, (), 1, None)
    if len(walk.placed) != len(walk.by_digest):
        raise DisclosureUnreferencedError("a disclosure is not referenced by any digest in the SD-JWT")
    return claims, walk.placed
