"""Which held credentials answer a DCQL query (OpenID4VP 1.0 section 6.4): claim sets in the
verifier's order of preference, values, credential sets with required and optional ones, multiple,
holder binding and trusted authorities; never a partial answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.openid4vp.dcql import parse_query
from nansen.openid4vp.dcql_match import HeldCredential, plan, satisfied_by
from nansen.openid4vp.errors import QueryUnsatisfiableError

VECTORS = Path(__file__).parents[1] / "vectors" / "openid4vp-dcql"
PID = "https://credentials.example.com/identity_credential"
OTHER = "https://othercredentials.example/pid"
REDUCED = "https://credentials.example.com/reduced_identity_credential"
RESIDENCE = "https://cred.example/residence_credential"
REWARDS = "https://company.example/company_rewards"
PERSON = {"given_name": "Arthur", "family_name": "Dent", "address": {"street_address": "42 Market Street"}}


def example(name: str) -> Any:
    return parse_query(json.loads((VECTORS / name).read_text()))


def held(id_: str, vct: str, claims: dict[str, Any], **more: Any) -> HeldCredential:
    return HeldCredential(id_, vct, claims, **more)


def answered(result: Any) -> dict[str, list[str]]:
    return {a.query.id: [m.credential.id for m in a.matches] for a in result}


def test_the_first_claim_set_the_credential_satisfies_is_chosen() -> None:
    query = example("claims_alternatives.json")
    full = {"family_name": "D", "postal_code": "1", "locality": "L", "region": "R", "date_of_birth": "2000"}
    first = plan(query, [held("c", PID, full)]).required[0].matches[0]
    assert first.disclose == (("family_name",), ("locality",), ("region",), ("date_of_birth",))
    without_region = {k: v for k, v in full.items() if k != "region"}
    second = plan(query, [held("c", PID, without_region)]).required[0].matches[0]
    assert second.disclose == (("family_name",), ("postal_code",), ("date_of_birth",))
    with pytest.raises(QueryUnsatisfiableError) as refused:
        plan(query, [held("c", PID, {"family_name": "D"})])
    assert refused.value.query_ids == ("pid",)
    assert [m.code for m in refused.value.reasons["pid"]] == ["claim_missing"]


def test_values_must_match_or_the_credential_does_not_answer() -> None:
    query = example("value_matching_simple.json")
    claims = {**PERSON, "family_name": "Doe", "postal_code": "90211"}
    assert plan(query, [held("c", PID, claims)]).required[0].matches[0].credential.id == "c"
    with pytest.raises(QueryUnsatisfiableError) as refused:
        plan(query, [held("c", PID, {**claims, "postal_code": 90211})])  # a number is not the string
    assert refused.value.reasons["my_credential"][0].code == "value_mismatch"
    assert refused.value.reasons["my_credential"][0].path == ("postal_code",)


def test_only_matching_array_elements_are_disclosed_for_a_null_path_with_values() -> None:
    query = parse_query(
        {
            "credentials": [
                {
                    "id": "pid",
                    "format": "dc+sd-jwt",
                    "meta": {"vct_values": [PID]},
                    "claims": [{"path": ["nationalities", None], "values": ["British"]}],
                }
            ]
        }
    )
    found = plan(query, [held("c", PID, {"nationalities": ["Betelgeusian", "British"]})])
    assert found.required[0].matches[0].disclose == (("nationalities", 1),)


def test_credential_sets_required_and_optional() -> None:
    query = example("credentials_alternatives.json")
    wallet = [
        held("reduced", REDUCED, {"family_name": "D", "given_name": "A"}),
        held("residence", RESIDENCE, {"postal_code": "1", "locality": "L", "region": "R"}),
        held("rewards", REWARDS, {"rewards_number": 7}),
    ]
    found = plan(query, wallet)
    assert answered(found.required) == {
        "pid_reduced_cred_1": ["reduced"],
        "pid_reduced_cred_2": ["residence"],
    }
    assert answered(found.optional) == {"nice_to_have": ["rewards"]}
    # the first option the wallet can satisfy wins (the verifier's preference)
    preferred = plan(query, [*wallet, held("pid", OTHER, PERSON)])
    assert answered(preferred.required) == {"other_pid": ["pid"]}
    # an optional set that cannot be met is simply left out
    assert plan(query, wallet[:2]).optional == ()
    # a required set that cannot be met: nothing at all, naming every query of its options
    with pytest.raises(QueryUnsatisfiableError) as refused:
        plan(query, [wallet[0], wallet[2]])
    assert refused.value.query_ids == ("pid", "other_pid", "pid_reduced_cred_2")


def test_without_credential_sets_every_query_is_required() -> None:
    query = example("multi_credentials.json")  # an SD-JWT VC and an mdoc, which this wallet never holds
    with pytest.raises(QueryUnsatisfiableError) as refused:
        plan(query, [held("c", PID, PERSON)])
    assert refused.value.query_ids == ("mdl",)
    assert refused.value.reasons["mdl"][0].code == "format"


def test_multiple_takes_every_match_and_otherwise_the_first() -> None:
    raw = json.loads((VECTORS / "simple.json").read_text())
    wallet = [held("newest", PID, PERSON), held("older", PID, PERSON)]
    assert answered(plan(parse_query(raw), wallet).required) == {"my_credential": ["newest"]}
    raw["credentials"][0]["multiple"] = True
    assert answered(plan(parse_query(raw), wallet).required) == {"my_credential": ["newest", "older"]}


def test_unusable_unbound_and_absent_claims_are_each_reported() -> None:
    query = example("simple.json")
    wallet = [
        held("revoked", PID, PERSON, unusable="revoked by its issuer"),
        held("unbound", PID, PERSON, holder_bound=False),
        held("thin", PID, {"given_name": "A"}),
        held("other", OTHER, PERSON),
    ]
    with pytest.raises(QueryUnsatisfiableError) as refused:
        plan(query, wallet)
    codes = {m.credential_id: m.code for m in refused.value.reasons["my_credential"]}
    assert codes == {
        "revoked": "unusable",
        "unbound": "holder_binding",
        "thin": "claim_missing",
        "other": "type",
    }


def test_claims_absent_asks_for_no_selectively_disclosable_claim() -> None:
    query = parse_query({"credentials": [{"id": "p", "format": "dc+sd-jwt", "meta": {"vct_values": [PID]}}]})
    assert plan(query, [held("c", PID, PERSON)]).required[0].matches[0].disclose == ()


def test_satisfied_by_follows_the_sets() -> None:
    query = example("credentials_alternatives.json")
    assert satisfied_by(query, {"other_pid"})
    assert satisfied_by(query, {"pid_reduced_cred_1", "pid_reduced_cred_2", "nice_to_have"})
    assert not satisfied_by(query, {"pid_reduced_cred_1", "nice_to_have"})
    assert not satisfied_by(example("multi_credentials.json"), {"pid"})


KINDS = [PID, OTHER, REDUCED, RESIDENCE, REWARDS]
NAMES = ["given_name", "family_name", "postal_code", "locality", "region", "rewards_number"]


@given(
    wallet=st.lists(
        st.tuples(st.sampled_from(KINDS), st.sets(st.sampled_from(NAMES)), st.booleans()), max_size=5
    )
)
def test_an_answer_is_whole_or_there_is_none(wallet: list[tuple[str, set[str], bool]]) -> None:
    """Whatever the wallet holds: either the required sets are met by exactly the queries answered,
    each answered by credentials that fit it, or nothing is answered at all."""
    query = example("credentials_alternatives.json")
    held_ = [
        held(f"c{i}", vct, {n: "x" for n in names} | ({"address": {"street_address": "s"}} if addr else {}))
        for i, (vct, names, addr) in enumerate(wallet)
    ]
    try:
        found = plan(query, held_)
    except QueryUnsatisfiableError as refused:
        assert refused.query_ids and set(refused.reasons) == set(refused.query_ids)
        return
    answered_ids = {a.query.id for a in found.required}
    assert satisfied_by(query, answered_ids)
    for answer in (*found.required, *found.optional):
        assert len(answer.matches) == 1  # no multiple in this query
        credential = answer.matches[0].credential
        assert credential.vct in answer.query.vct_values
        assert all(path[0] in credential.claims for path in answer.matches[0].disclose)
