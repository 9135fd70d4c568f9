"""Digital Credentials Query Language (OpenID4VP 1.0 section 6): the query's types and its parser.

Everything section 6 defines is read and checked: ``credentials`` (unique ``id``, ``format``,
``meta``, ``multiple``, ``trusted_authorities``, ``require_cryptographic_holder_binding``,
``claims`` with ``id``, ``path`` and ``values``, ``claim_sets``) and ``credential_sets``
(``options``, ``required``). Unknown members are ignored (section 6: "Implementations MUST ignore
any unknown properties"). Any format identifier is accepted; ``dc+sd-jwt`` needs
``meta.vct_values`` and ``mso_mdoc`` ``meta.doctype_value`` (Appendix B), so that a query asking
for an mdoc in an optional set can still be answered with the SD-JWT VC part.

Claim paths, selection and matching are in ``dcql_paths`` and ``dcql_match``; how a verifier
judges a response against its query in ``dcql_response``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nansen.openid4vp.dcql_paths import ClaimPath, parse_path
from nansen.openid4vp.errors import DcqlError

FORMAT = "dc+sd-jwt"
MDOC_FORMAT = "mso_mdoc"
ClaimValue = str | int | bool
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
MAX_CREDENTIALS = 16
MAX_CLAIMS = 64
MAX_SETS = 16
MAX_VALUES = 64


@dataclass(frozen=True, slots=True)
class ClaimsQuery:
    path: ClaimPath
    id: str | None = None
    values: tuple[ClaimValue, ...] | None = None  # None: any value

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": list(self.path)}
        if self.id is not None:
            out["id"] = self.id
        if self.values is not None:
            out["values"] = list(self.values)
        return out


@dataclass(frozen=True, slots=True)
class TrustedAuthority:
    type: str  # "aki", "etsi_tl", "openid_federation" or another the wallet may not know
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CredentialQuery:
    id: str
    vct_values: tuple[str, ...]
    claims: tuple[ClaimsQuery, ...] | None = None  # None: no selectively disclosable claim asked
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    multiple: bool = False
    trusted_authorities: tuple[TrustedAuthority, ...] = ()
    require_cryptographic_holder_binding: bool = True
    format: str = FORMAT
    meta: Mapping[str, Any] | None = None  # as sent, for formats other than dc+sd-jwt

    @property
    def claim_paths(self) -> tuple[ClaimPath, ...]:
        """Every path the query names, whichever claim set is chosen."""
        return tuple(c.path for c in self.claims or ())

    def to_json(self) -> dict[str, Any]:
        meta = dict(self.meta) if self.meta is not None else {"vct_values": list(self.vct_values)}
        out: dict[str, Any] = {"id": self.id, "format": self.format, "meta": meta}
        if self.claims is not None:
            out["claims"] = [c.to_json() for c in self.claims]
        if self.claim_sets is not None:
            out["claim_sets"] = [list(s) for s in self.claim_sets]
        if self.multiple:
            out["multiple"] = True
        if self.trusted_authorities:
            out["trusted_authorities"] = [
                {"type": t.type, "values": list(t.values)} for t in self.trusted_authorities
            ]
        if not self.require_cryptographic_holder_binding:
            out["require_cryptographic_holder_binding"] = False
        return out


@dataclass(frozen=True, slots=True)
class CredentialSetQuery:
    options: tuple[tuple[str, ...], ...]
    required: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"options": [list(o) for o in self.options], "required": self.required}


@dataclass(frozen=True, slots=True)
class DcqlQuery:
    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[CredentialSetQuery, ...] | None = None

    def by_id(self, query_id: str) -> CredentialQuery | None:
        return next((c for c in self.credentials if c.id == query_id), None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"credentials": [c.to_json() for c in self.credentials]}
        if self.credential_sets is not None:
            out["credential_sets"] = [s.to_json() for s in self.credential_sets]
        return out


def build_query(credential_id: str, vct: str, claim_paths: Sequence[ClaimPath]) -> DcqlQuery:
    """The one-credential query of the officer's simple request shape (type and claim paths)."""
    query = CredentialQuery(credential_id, (vct,), tuple(ClaimsQuery(tuple(p)) for p in claim_paths))
    return parse_query(DcqlQuery((query,)).to_json())


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 64 and set(value) <= _ID_CHARS


def _array(value: Any, where: str, *, most: int) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise DcqlError(f"{where} must be a non-empty array")
    if len(value) > most:
        raise DcqlError(f"{where} has more than {most} entries")
    return value


def _bool(entry: Mapping[str, Any], name: str, where: str, default: bool) -> bool:
    value = entry.get(name, default)
    if not isinstance(value, bool):
        raise DcqlError(f"{where}.{name} must be true or false")
    return value


def _value(value: Any, where: str) -> ClaimValue:
    # exactly strings, integers and booleans (section 6.3); a float or null can never match
    if isinstance(value, bool | str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise DcqlError(f"{where} must hold strings, integers or booleans only")


def _claims(entry: Mapping[str, Any], where: str, fmt: str) -> tuple[ClaimsQuery, ...] | None:
    if "claims" not in entry:
        return None
    claims = []
    seen: set[str] = set()
    for i, raw in enumerate(_array(entry["claims"], f"{where}.claims", most=MAX_CLAIMS)):
        here = f"{where}.claims[{i}]"
        if not isinstance(raw, Mapping):
            raise DcqlError(f"{here} must be an object")
        claim_id = raw.get("id")
        if claim_id is not None:
            if not _is_id(claim_id):
                raise DcqlError(f"{here}.id must be a non-empty string of letters, digits, _ and -")
            if claim_id in seen:
                raise DcqlError(f"{here}.id {claim_id!r} appears twice in the same claims array")
            seen.add(claim_id)
        path = parse_path(raw.get("path"), f"{here}.path")
        if fmt == MDOC_FORMAT and (len(path) != 2 or not all(isinstance(p, str) for p in path)):
            raise DcqlError(f"{here}.path of an mso_mdoc claim is a namespace and an element name")
        values = None
        if "values" in raw:
            values = tuple(
                _value(v, f"{here}.values") for v in _array(raw["values"], f"{here}.values", most=MAX_VALUES)
            )
        claims.append(ClaimsQuery(path, claim_id, values))
    return tuple(claims)


def _claim_sets(
    entry: Mapping[str, Any], where: str, claims: tuple[ClaimsQuery, ...] | None
) -> tuple[tuple[str, ...], ...] | None:
    if "claim_sets" not in entry:
        return None
    if claims is None:
        raise DcqlError(f"{where}.claim_sets is only allowed together with claims")
    ids = {c.id for c in claims}
    if None in ids:
        raise DcqlError(f"{where}.claims need an id each when claim_sets is present")
    sets = []
    for i, option in enumerate(_array(entry["claim_sets"], f"{where}.claim_sets", most=MAX_SETS)):
        option_list = _array(option, f"{where}.claim_sets[{i}]", most=MAX_CLAIMS)
        unknown = [c for c in option_list if c not in ids]
        if unknown:
            raise DcqlError(f"{where}.claim_sets[{i}] names a claim id that is not in claims: {unknown[0]!r}")
        sets.append(tuple(option_list))
    return tuple(sets)


def _trusted_authorities(entry: Mapping[str, Any], where: str) -> tuple[TrustedAuthority, ...]:
    if "trusted_authorities" not in entry:
        return ()
    out = []
    for i, raw in enumerate(
        _array(entry["trusted_authorities"], f"{where}.trusted_authorities", most=MAX_SETS)
    ):
        here = f"{where}.trusted_authorities[{i}]"
        if not isinstance(raw, Mapping) or not isinstance(raw.get("type"), str) or not raw["type"]:
            raise DcqlError(f"{here} must be an object with a type")
        values = _array(raw.get("values"), f"{here}.values", most=MAX_VALUES)
        if not all(isinstance(v, str) and v for v in values):
            raise DcqlError(f"{here}.values must be non-empty strings")
        out.append(TrustedAuthority(raw["type"], tuple(values)))
    return tuple(out)


def _meta(entry: Mapping[str, Any], where: str, fmt: str) -> tuple[tuple[str, ...], Mapping[str, Any] | None]:
    meta = entry.get("meta")
    if not isinstance(meta, Mapping):
        raise DcqlError(f"{where}.meta is required and must be an object")
    if fmt == FORMAT:
        vcts = _array(meta.get("vct_values"), f"{where}.meta.vct_values", most=MAX_VALUES)
        if not all(isinstance(v, str) and v for v in vcts):
            raise DcqlError(f"{where}.meta.vct_values must be non-empty strings")
        return tuple(vcts), None
    if fmt == MDOC_FORMAT and not isinstance(meta.get("doctype_value"), str):
        raise DcqlError(f"{where}.meta.doctype_value must be a string for mso_mdoc")
    return (), dict(meta)


def _credential(raw: Any, where: str) -> CredentialQuery:
    if not isinstance(raw, Mapping):
        raise DcqlError(f"{where} must be an object")
    query_id = raw.get("id")
    if not isinstance(query_id, str) or not _is_id(query_id):
        raise DcqlError(f"{where}.id must be a non-empty string of letters, digits, _ and -")
    where = f"credential query {query_id!r}"
    fmt = raw.get("format")
    if not isinstance(fmt, str) or not fmt:
        raise DcqlError(f"{where} needs a format")
    vcts, meta = _meta(raw, where, fmt)
    claims = _claims(raw, where, fmt)
    return CredentialQuery(
        id=query_id,
        vct_values=vcts,
        claims=claims,
        claim_sets=_claim_sets(raw, where, claims),
        multiple=_bool(raw, "multiple", where, False),
        trusted_authorities=_trusted_authorities(raw, where),
        require_cryptographic_holder_binding=_bool(raw, "require_cryptographic_holder_binding", where, True),
        format=fmt,
        meta=meta,
    )


def _credential_sets(unverified: Mapping[str, Any], ids: set[str]) -> tuple[CredentialSetQuery, ...] | None:
    if "credential_sets" not in unverified:
        return None
    sets = []
    for i, raw in enumerate(_array(unverified["credential_sets"], "credential_sets", most=MAX_SETS)):
        where = f"credential_sets[{i}]"
        if not isinstance(raw, Mapping):
            raise DcqlError(f"{where} must be an object")
        options = []
        for j, option in enumerate(_array(raw.get("options"), f"{where}.options", most=MAX_SETS)):
            names = _array(option, f"{where}.options[{j}]", most=MAX_CREDENTIALS)
            unknown = [n for n in names if n not in ids]
            if unknown:
                raise DcqlError(
                    f"{where}.options[{j}] names a credential query that does not exist: {unknown[0]!r}"
                )
            options.append(tuple(names))
        sets.append(CredentialSetQuery(tuple(options), _bool(raw, "required", where, True)))
    return tuple(sets)


def parse_query(unverified: Any) -> DcqlQuery:
    """A DCQL query from its JSON value; raises DcqlError naming the first fault."""
    if not isinstance(unverified, Mapping):
        raise DcqlError("a DCQL query is a JSON object")
    entries = _array(unverified.get("credentials"), "credentials", most=MAX_CREDENTIALS)
    queries = [_credential(raw, f"credentials[{i}]") for i, raw in enumerate(entries)]
    ids = [q.id for q in queries]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise DcqlError(f"the credential query id {duplicate!r} appears more than once")
    return DcqlQuery(tuple(queries), _credential_sets(unverified, set(ids)))
