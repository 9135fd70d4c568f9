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
from typing import Any, NamedTuple

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
_SCALARS = frozenset({str, int, float, bool, type(None)})  # exact JSON scalar types from the parser
_STRINGS = frozenset({str})


class Placement(NamedTuple):
    """Where a disclosure landed: its claim path and the disclosure that contains it (if any)."""

    path: ClaimPath
    parent: Digest | None


@dataclass(slots=True)
class _Walk:
    by_digest: Mapping[str, Disclosure]
    max_depth: int
    nested_digests: bool = True
    seen: set[str] = field(default_factory=set)
    placed: dict[Digest, Placement] = field(default_factory=dict)

    def see(self, digest: Any) -> Disclosure | None:
        """Note a digest (an array element's) and return the disclosure it names, if presented."""
        self.see_all([digest])
        return self.by_digest.get(digest)

    def see_all(self, digests: list[Any]) -> None:
        """Note a whole ``_sd`` array, in C passes: all strings, none seen before or twice."""
        if not _STRINGS.issuperset(map(type, digests)):
            raise MalformedError("a digest in the payload is not a string")
        seen = self.seen
        before = len(seen)
        seen.update(digests)
        if len(seen) != before + len(digests):
            raise DigestDuplicateError("a digest appears more than once in the SD-JWT")

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
        # one C pass tells whether there is any container to walk; with no digests below the top
        # level (see ``unfold``) the issuer-signed containers there are kept as they are
        walk_children = path or self.nested_digests
        if walk_children and not _SCALARS.issuperset(map(type, out.values())):
            for k, v in out.items():  # scalars stay as they are; only containers are walked
                if isinstance(v, _CONTAINERS):
                    out[k] = self.value(v, (*path, k), depth, parent)
        if sd is None and "_sd" not in node:
            return out
        if not isinstance(sd, list):
            raise MalformedError("_sd must be an array of digests")
        self.see_all(sd)
        by_digest = self.by_digest
        for digest in sd:
            disclosure = by_digest.get(digest)
            if disclosure is None:
                continue  # decoy or not disclosed
            name = disclosure.name
            if name is None:
                raise MalformedError("an array-element disclosure is referenced from an _sd array")
            if name in out or name in node:
                raise ClaimOverwriteError(f"disclosed claim {name[:40]!r} would overwrite an existing claim")
            here = (*path, name)
            self.placed[disclosure.digest] = Placement(here, parent)
            value = disclosure.value
            out[name] = (
                self.value(value, here, depth, disclosure.digest) if type(value) in _CONTAINERS else value
            )
        return out

    def arr(self, node: list[Any], path: ClaimPath, depth: int, parent: Digest | None) -> list[Any]:
        if depth > self.max_depth:
            raise TooDeepError(f"SD-JWT claims nest deeper than {self.max_depth}")
        if _SCALARS.issuperset(map(type, node)):  # no element to walk (an anchor's proof path)
            return list(node)
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


def digests_only_at_top(payload_json: bytes) -> bool:
    """Whether the payload's JSON text proves that its only digests are in its top-level ``_sd``.

    Without backslashes every member name is written literally, so a single ``"_sd"`` (the top
    level's, which the caller checks is there) and no ``"..."`` mean no digest anywhere below. A
    string value that happens to read "_sd" only makes the answer a cautious False.
    """
    return b"\\" not in payload_json and payload_json.count(b'"_sd"') == 1 and b'"..."' not in payload_json


def unfold(
    payload: dict[str, Any],
    disclosures: list[Disclosure],
    *,
    max_depth: int,
    nested_digests: bool = True,
) -> tuple[dict[str, Any], dict[Digest, Placement]]:
    """Processed claims (without ``_sd``/``_sd_alg``) and where each disclosure was placed.

    Raises if any disclosure is unreferenced, duplicated, misplaced or would overwrite a claim.
    ``nested_digests=False`` (when no object below the payload's top level has ``_sd`` or ``...``:
    the C reader notes it exactly, ``digests_only_at_top`` proves it from the text) skips the walk
    of the payload's nested containers, which then hold no digest; disclosed values are walked all
    the same.
    """
    walk = _Walk(index_disclosures(disclosures), max_depth, nested_digests)
    claims = walk.obj(payload, (), 1, None)
    if len(walk.placed) != len(walk.by_digest):
        raise DisclosureUnreferencedError("a disclosure is not referenced by any digest in the SD-JWT")
    return claims, walk.placed
