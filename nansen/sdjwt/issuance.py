"""Issuer side: turn a payload and a set of disclosable claim paths into an SD-JWT.

``disclosable`` lists claim paths in the plain payload, e.g. ``("given_name",)``,
``("address", "region")`` or ``("nationalities", 0)``. A path whose parent is also disclosable
gives a recursive disclosure (the parent's disclosure carries the child's digest).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from nansen.crypto.errors import NotIJsonError
from nansen.crypto.jsonstrict import check_i_json
from nansen.crypto.jws import ContentDigest, sign_compact_with_digest
from nansen.crypto.keys import PrivateKey, PublicKey
from nansen.sdjwt.compact import join
from nansen.sdjwt.disclosures import (
    FORBIDDEN_NAMES,
    SD_ALG,
    Disclosure,
    RandomSource,
    create_disclosure,
    decoy_digest,
)
from nansen.sdjwt.errors import IssuanceError
from nansen.sdjwt.processing import ClaimPath

TYP_SD_JWT_VC = "dc+sd-jwt"
# SD-JWT VC: these claims MUST NOT be selectively disclosable.
NEVER_DISCLOSABLE: frozenset[str] = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})


@dataclass(frozen=True, slots=True)
class IssuedSdJwt:
    compact: str  # <jwt>~<d1>~...~<dn>~
    jwt: str
    disclosures: tuple[Disclosure, ...]
    signed_content_digest: ContentDigest


@dataclass(slots=True)
class _Builder:
    disclosable: frozenset[ClaimPath]
    decoys: int
    random: RandomSource
    made: list[Disclosure]
    used: set[ClaimPath]

    def value(self, node: Any, path: ClaimPath) -> Any:
        if isinstance(node, Mapping):
            return self.obj(node, path)
        if isinstance(node, list | tuple):
            return self.arr(node, path)
        return node

    def obj(self, node: Mapping[str, Any], path: ClaimPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        digests: list[str] = []
        for name, raw in node.items():
            if not isinstance(name, str) or name in FORBIDDEN_NAMES or name == "_sd_alg":
                raise IssuanceError(f"claim name {name!r} is reserved or not a string")
            here = (*path, name)
            value = self.value(raw, here)
            if here in self.disclosable:
                self.used.add(here)
                disclosure = create_disclosure(name, value, self.random)
                self.made.append(disclosure)
                digests.append(disclosure.digest)
            else:
                out[name] = value
        if digests:
            digests.extend(decoy_digest(self.random) for _ in range(self.decoys))
            out["_sd"] = sorted(digests)  # sorted, so the order reveals nothing about the claims
        return out

    def arr(self, node: list[Any] | tuple[Any, ...], path: ClaimPath) -> list[Any]:
        out: list[Any] = []
        for index, raw in enumerate(node):
            here = (*path, index)
            value = self.value(raw, here)
            if here in self.disclosable:
                self.used.add(here)
                disclosure = create_disclosure(None, value, self.random)
                self.made.append(disclosure)
                out.append({"...": disclosure.digest})
            else:
                out.append(value)
        return out


@dataclass(frozen=True, slots=True)
class PreparedSdJwt:
    """An SD-JWT payload with its disclosures, not yet signed (so a batch can anchor it first)."""

    body: dict[str, Any]
    disclosures: tuple[Disclosure, ...]


def prepare_sd_jwt(
    *,
    payload: Mapping[str, Any],
    disclosable: Collection[ClaimPath],
    decoys: int = 0,
    holder_key: PublicKey | None = None,
    never_disclosable: frozenset[str] = NEVER_DISCLOSABLE,
    random: RandomSource = secrets,  # the module satisfies the protocol
) -> PreparedSdJwt:
    """Builds the issuer-signed body: disclosable claims replaced by digests, ``_sd_alg`` set.

    ``holder_key`` sets ``cnf.jwk`` (needed for key binding). Unknown paths, reserved names and
    disclosable top-level claims in ``never_disclosable`` raise ``IssuanceError``.
    """
    if decoys < 0:
        raise IssuanceError("decoys must be >= 0")
    paths = frozenset(tuple(p) for p in disclosable)
    reserved = [p for p in paths if len(p) == 1 and p[0] in never_disclosable]
    if reserved or () in paths:
        raise IssuanceError(f"claims {sorted(map(str, reserved))} must not be selectively disclosable")
    plain: dict[str, Any] = dict(payload)
    if holder_key is not None:
        if "cnf" in plain:
            raise IssuanceError("payload already has cnf; do not pass holder_key as well")
        plain["cnf"] = {"jwk": dict(holder_key.jwk())}
    builder = _Builder(paths, decoys, random, [], set())
    body = builder.obj(plain, ())
    unknown = paths - builder.used
    if unknown:
        raise IssuanceError(f"disclosable paths not found in the payload: {sorted(map(str, unknown))[:5]}")
    body["_sd_alg"] = SD_ALG
    try:
        check_i_json(body)  # the disclosures were checked as they were made
    except NotIJsonError as exc:
        raise IssuanceError(f"the payload holds a value I-JSON forbids: {exc}") from exc
    return PreparedSdJwt(body, tuple(builder.made))


def sign_prepared(
    prepared: PreparedSdJwt,
    *,
    signer_key: PrivateKey,
    kid: str | None,
    typ: str = TYP_SD_JWT_VC,
    extra_claims: Mapping[str, Any] | None = None,
    extra_header: Mapping[str, Any] | None = None,
) -> IssuedSdJwt:
    """Signs a prepared body, adding ``extra_claims`` (always disclosed, e.g. an anchor proof)."""
    body = dict(prepared.body)
    for name, value in (extra_claims or {}).items():
        if name in body:
            raise IssuanceError(f"extra claim {name!r} would overwrite a claim of the payload")
        body[name] = value
    header: dict[str, Any] = {**(extra_header or {}), "typ": typ}
    if kid is not None:
        header["kid"] = kid
    try:
        payload_bytes = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
            "utf-8"
        )
    except (TypeError, ValueError) as exc:  # a lone surrogate is a UnicodeEncodeError, a ValueError
        raise IssuanceError(f"payload is not JSON-serialisable: {exc}") from exc
    jwt, digest = sign_compact_with_digest(header=header, payload=payload_bytes, key=signer_key)
    compact = join(jwt, [d.encoded for d in prepared.disclosures])
    return IssuedSdJwt(compact, jwt, prepared.disclosures, digest)


def issue_sd_jwt(
    *,
    payload: Mapping[str, Any],
    disclosable: Collection[ClaimPath],
    signer_key: PrivateKey,
    kid: str | None,
    typ: str = TYP_SD_JWT_VC,
    decoys: int = 0,
    holder_key: PublicKey | None = None,
    never_disclosable: frozenset[str] = NEVER_DISCLOSABLE,
    extra_header: Mapping[str, Any] | None = None,
    random: RandomSource = secrets,  # the module satisfies the protocol
) -> IssuedSdJwt:
    """Sign an SD-JWT in one step. ``decoys`` decoy digests are added to every ``_sd`` array."""
    prepared = prepare_sd_jwt(
        payload=payload,
        disclosable=disclosable,
        decoys=decoys,
        holder_key=holder_key,
        never_disclosable=never_disclosable,
        random=random,
    )
    return sign_prepared(prepared, signer_key=signer_key, kid=kid, typ=typ, extra_header=extra_header)
