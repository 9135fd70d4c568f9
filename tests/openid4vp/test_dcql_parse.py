"""Parsing DCQL queries (OpenID4VP 1.0 section 6): the specification's examples, and each rule a
query can break refused with an error that names the place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nansen.openid4vp.dcql import DcqlQuery, parse_query
from nansen.openid4vp.errors import DcqlError

VECTORS = Path(__file__).parents[1] / "vectors" / "openid4vp-dcql"
EXAMPLES = sorted(VECTORS.glob("*.json"))
VCT = "https://credentials.example.com/identity_credential"


def example(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((VECTORS / name).read_text())
    return loaded


@pytest.mark.parametrize(
    "path", [p for p in EXAMPLES if p.name != "spec_inline_examples.json"], ids=lambda p: p.stem
)
def test_every_example_of_the_specification_parses_and_round_trips(path: Path) -> None:
    query = parse_query(json.loads(path.read_text()))
    assert isinstance(query, DcqlQuery)
    assert parse_query(query.to_json()) == query


def test_the_examples_read_as_the_specification_says() -> None:
    sets = parse_query(example("credentials_alternatives.json")).credential_sets
    assert sets is not None
    assert sets[0].required and sets[0].options[2] == ("pid_reduced_cred_1", "pid_reduced_cred_2")
    assert not sets[1].required and sets[1].options == (("nice_to_have",),)
    pid = parse_query(example("claims_alternatives.json")).credentials[0]
    assert pid.claim_sets == (("a", "c", "d", "e"), ("a", "b", "e"))
    values = parse_query(example("value_matching_simple.json")).credentials[0].claims
    assert values is not None and values[0].values == ("Doe",) and values[3].values == ("90210", "90211")
    mdoc = parse_query(example("complex_mdoc.json")).credentials[0]
    assert mdoc.format == "mso_mdoc" and mdoc.meta == {"doctype_value": "org.iso.18013.5.1.mDL"}


def test_defaults_and_trusted_authorities() -> None:
    inline = example("spec_inline_examples.json")
    query = parse_query(
        {
            "credentials": [
                {
                    "id": "pid",
                    "format": "dc+sd-jwt",
                    "meta": {"vct_values": [VCT]},
                    "trusted_authorities": inline["trusted_authorities"],
                    "claims": [{"path": ["degrees", None, "type"]}, {"path": ["nationalities", 1]}],
                    "unknown_member": "ignored (section 6)",
                }
            ]
        }
    )
    pid = query.credentials[0]
    assert not pid.multiple and pid.require_cryptographic_holder_binding
    assert [t.type for t in pid.trusted_authorities] == ["aki", "etsi_tl", "openid_federation"]
    assert pid.claim_paths == (("degrees", None, "type"), ("nationalities", 1))


def _one(**credential: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "pid", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}}
    return {"credentials": [{**base, **credential}]}


REFUSED = [
    ({"credentials": []}, "credentials must be a non-empty array"),
    ({}, "credentials must be a non-empty array"),
    ([], "a DCQL query is a JSON object"),
    (_one(id="a b"), r"credentials\[0\]\.id must be"),
    (_one(id=""), r"credentials\[0\]\.id must be"),
    (_one(format=None), "needs a format"),
    (_one(meta=None), "meta is required"),
    (_one(meta={}), "meta.vct_values must be a non-empty array"),
    (_one(meta={"vct_values": [""]}), "vct_values must be non-empty strings"),
    (_one(format="mso_mdoc", meta={}), "doctype_value must be a string"),
    (_one(claims=[]), "claims must be a non-empty array"),
    (_one(claims=[{"path": []}]), r"claims\[0\]\.path must be a non-empty array"),
    (_one(claims=[{"path": ["a", -1]}]), "strings, non-negative integers and null"),
    (_one(claims=[{"path": ["a", 1.5]}]), "strings, non-negative integers and null"),
    (_one(claims=[{"path": ["a", True]}]), "strings, non-negative integers and null"),
    (_one(claims=[{"path": ["a"], "values": []}]), "values must be a non-empty array"),
    (_one(claims=[{"path": ["a"], "values": [1.5]}]), "strings, integers or booleans only"),
    (_one(claims=[{"path": ["a"], "values": [None]}]), "strings, integers or booleans only"),
    (_one(claims=[{"id": "x", "path": ["a"]}, {"id": "x", "path": ["b"]}]), "'x' appears twice"),
    (_one(claim_sets=[["x"]]), "only allowed together with claims"),
    (_one(claims=[{"path": ["a"]}], claim_sets=[["x"]]), "need an id each"),
    (_one(claims=[{"id": "x", "path": ["a"]}], claim_sets=[["y"]]), "not in claims: 'y'"),
    (_one(claims=[{"id": "x", "path": ["a"]}], claim_sets=[]), "claim_sets must be a non-empty array"),
    (_one(multiple="yes"), "multiple must be true or false"),
    (_one(require_cryptographic_holder_binding=0), "must be true or false"),
    (_one(trusted_authorities=[{"type": "aki", "values": []}]), "values must be a non-empty array"),
    (_one(trusted_authorities=[{"values": ["x"]}]), "must be an object with a type"),
    (
        _one(format="mso_mdoc", meta={"doctype_value": "d"}, claims=[{"path": ["ns"]}]),
        "namespace and an element",
    ),
    ({**_one(), "credential_sets": [{"options": [["other"]]}]}, "does not exist: 'other'"),
    ({**_one(), "credential_sets": [{"options": []}]}, "options must be a non-empty array"),
    (
        {**_one(), "credential_sets": [{"options": [["pid"]], "required": "no"}]},
        "required must be true or false",
    ),
    ({"credentials": [_one()["credentials"][0]] * 2}, "'pid' appears more than once"),
]


@pytest.mark.parametrize(("query", "message"), REFUSED)
def test_each_rule_is_enforced_with_a_readable_error(query: Any, message: str) -> None:
    with pytest.raises(DcqlError, match=message):
        parse_query(query)
