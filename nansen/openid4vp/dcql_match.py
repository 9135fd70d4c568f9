"""Which held credentials answer a DCQL query, and with which claims (OpenID4VP 1.0 section 6.4).

For each credential query, a held credential matches when its format and ``vct`` are asked for,
it has holder binding where required, its issuer is not known to be outside
``trusted_authorities``, and its claims satisfy the query: all ``claims`` when there are no
``claim_sets``, else the first claim set it can satisfy (section 6.4.1: the order is the
verifier's preference). A claim whose value is not among ``values`` counts as absent; where a path
selects several elements (``null``), only the elements whose value matches are kept.

Then the credential sets (section 6.4.2): without ``credential_sets`` every query is required;
with them, each required set needs one option whose queries all match (the first such option is
taken), and an optional set is offered when one of its options matches. A required query that
cannot be met raises QueryUnsatisfiableError naming it and why: never a partial answer.
``held`` comes in the holder's order of preference; a query without ``multiple`` takes the first
match, one with ``multiple`` takes every match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nansen.openid4vp.dcql import FORMAT, ClaimsQuery, CredentialQuery, DcqlQuery
from nansen.openid4vp.dcql_paths import ConcretePath, matches, select
from nansen.openid4vp.dcql_trust import TrustMatch, evaluate
from nansen.openid4vp.errors import ClaimPathError, Miss, QueryUnsatisfiableError


@dataclass(frozen=True, slots=True)
class HeldCredential:
    id: str
    vct: str
    claims: Mapping[str, Any]  # fully disclosed, as the holder sees them
    x5c_der: tuple[bytes, ...] = ()  # the issuer JWT's x5c chain, if any
    holder_bound: bool = True  # has cnf: can make a Key Binding JWT
    format: str = FORMAT
    unusable: str = ""  # the holder side knows it will be refused (revoked, expired): why


@dataclass(frozen=True, slots=True)
class CredentialMatch:
    credential: HeldCredential
    claims: tuple[ClaimsQuery, ...]  # the claims asked for (of the chosen claim set)
    disclose: tuple[ConcretePath, ...]  # the concrete paths that leave the wallet
    trust: TrustMatch  # UNKNOWN: trusted_authorities named something the wallet cannot check


@dataclass(frozen=True, slots=True)
class QueryAnswer:
    query: CredentialQuery
    matches: tuple[CredentialMatch, ...]  # one, or several with ``multiple``


@dataclass(frozen=True, slots=True)
class Plan:
    required: tuple[QueryAnswer, ...]
    optional: tuple[QueryAnswer, ...]  # from optional credential sets; sent only if the holder agrees


def _claim(
    claims: Mapping[str, Any], query: ClaimsQuery, credential_id: str
) -> tuple[ConcretePath, ...] | Miss:
    try:
        selected = select(claims, query.path)
    except ClaimPathError:
        return Miss("claim_missing", credential_id, query.path)
    if query.values is not None:
        selected = [(p, v) for p, v in selected if matches(v, query.values)]
        if not selected:
            return Miss("value_mismatch", credential_id, query.path)
    return tuple(p for p, _ in selected)


def match_claims(query: CredentialQuery, held: HeldCredential) -> CredentialMatch | Miss:
    if query.claims is None:
        return CredentialMatch(held, (), (), TrustMatch.MATCH)
    unique = tuple({c.path: c for c in reversed(query.claims)}.values())[::-1]  # duplicates ignored
    if query.claim_sets is None:
        options = [unique]
    else:
        by_id = {c.id: c for c in query.claims}
        options = [tuple(by_id[i] for i in option) for option in query.claim_sets]
    first_miss: Miss | None = None
    for option in options:
        disclose: list[ConcretePath] = []
        for claim in option:
            found = _claim(held.claims, claim, held.id)
            if isinstance(found, Miss):
                first_miss = first_miss or found
                break
            disclose.extend(found)
        else:
            return CredentialMatch(held, option, tuple(dict.fromkeys(disclose)), TrustMatch.MATCH)
    assert first_miss is not None
    return first_miss


def match_one(query: CredentialQuery, held: HeldCredential) -> CredentialMatch | Miss:
    """How ``held`` answers ``query``, or why it does not."""
    if held.format != query.format:
        return Miss("format", held.id, detail=query.format)
    if held.vct not in query.vct_values:
        return Miss("type", held.id, detail=held.vct)
    if held.unusable:
        return Miss("unusable", held.id, detail=held.unusable)
    if query.require_cryptographic_holder_binding and not held.holder_bound:
        return Miss("holder_binding", held.id)
    trust = evaluate(query.trusted_authorities, held.x5c_der)
    if trust is TrustMatch.NO_MATCH:
        return Miss("untrusted_issuer", held.id)
    found = match_claims(query, held)
    if isinstance(found, Miss):
        return found
    return CredentialMatch(held, found.claims, found.disclose, trust)


def match_query(
    query: CredentialQuery, held: Sequence[HeldCredential]
) -> tuple[tuple[CredentialMatch, ...], tuple[Miss, ...]]:
    """Every held credential that answers ``query`` (certain issuer trust first), and the misses."""
    found: list[CredentialMatch] = []
    misses: list[Miss] = []
    for credential in held:
        result = match_one(query, credential)
        (misses if isinstance(result, Miss) else found).append(result)  # type: ignore[arg-type]
    found.sort(key=lambda m: m.trust is not TrustMatch.MATCH)  # stable: keeps the holder's order
    return tuple(found), tuple(misses)


def plan(query: DcqlQuery, held: Sequence[HeldCredential]) -> Plan:
    """What to present for ``query``; raises QueryUnsatisfiableError when a required part cannot be
    met, with each held credential's reason for each query it could not answer."""
    results = {q.id: match_query(q, held) for q in query.credentials}

    def answer(query_id: str) -> QueryAnswer:
        credential_query = query.by_id(query_id)
        assert credential_query is not None
        found = results[query_id][0]
        return QueryAnswer(credential_query, found if credential_query.multiple else found[:1])

    def fail(query_ids: Sequence[str]) -> QueryUnsatisfiableError:
        ids = tuple(dict.fromkeys(query_ids))
        reasons = {i: results[i][1] for i in ids}
        return QueryUnsatisfiableError(ids, reasons)

    if query.credential_sets is None:
        unmet = [q.id for q in query.credentials if not results[q.id][0]]
        if unmet:
            raise fail(unmet)
        return Plan(tuple(answer(q.id) for q in query.credentials), ())
    required: list[str] = []
    optional: list[str] = []
    for credential_set in query.credential_sets:
        option = next((o for o in credential_set.options if all(results[i][0] for i in o)), None)
        if option is None and credential_set.required:
            raise fail([i for o in credential_set.options for i in o if not results[i][0]])
        if option is not None:
            (required if credential_set.required else optional).extend(option)
    required = list(dict.fromkeys(required))
    optional = [i for i in dict.fromkeys(optional) if i not in required]
    return Plan(tuple(map(answer, required)), tuple(map(answer, optional)))


def satisfied_by(query: DcqlQuery, answered: set[str]) -> bool:
    """Whether answering exactly the ``answered`` query ids meets the query (section 6.4.2): every
    query without credential sets, else one option of every required set."""
    if query.credential_sets is None:
        return answered >= {q.id for q in query.credentials}
    return all(
        any(set(option) <= answered for option in s.options) for s in query.credential_sets if s.required
    )


def unmet_claims(
    claims: Mapping[str, Any], wanted: Sequence[ClaimsQuery], credential_id: str = ""
) -> list[Miss]:
    """Each of ``wanted`` that ``claims`` does not satisfy (for naming them all at once)."""
    return [m for c in wanted if isinstance(m := _claim(claims, c, credential_id), Miss)]
