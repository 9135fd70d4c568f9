"""transaction_data (OpenID4VP 1.0 sections 5.1, 8.4, B.3.3): the statement type is read, anything
else refused as invalid_transaction_data; hashes over the received text bind it in the KB-JWT."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from nansen.openid4vp.dcql import build_query, parse_query
from nansen.openid4vp.errors import TransactionDataError
from nansen.openid4vp.transaction_data import (
    STATEMENT_TYPE,
    bound_in,
    encode_statement,
    kb_claims,
    parse_transaction_data,
)

QUERY = build_query("pid", "https://issuer.example/pid", [("nationality",)])


def b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_a_statement_is_read_and_its_hash_is_over_the_text_as_received() -> None:
    encoded = encode_statement("I agree to share my nationality with the reception centre.", ["pid"])
    (entry,) = parse_transaction_data(json.dumps([encoded]), QUERY)
    assert entry.type == STATEMENT_TYPE and entry.credential_ids == ("pid",) and entry.hashes_alg is None
    expected = base64.urlsafe_b64encode(hashlib.sha256(encoded.encode()).digest()).rstrip(b"=").decode()
    assert kb_claims([entry]) == {"transaction_data_hashes": [expected]}  # no alg named: none echoed
    assert bound_in(entry, {"transaction_data_hashes": [expected]})
    assert not bound_in(entry, {"transaction_data_hashes": ["x" + expected[1:]]})
    assert not bound_in(
        entry, {"transaction_data_hashes": [expected], "transaction_data_hashes_alg": "sha-384"}
    )


def test_a_named_algorithm_is_used_and_echoed() -> None:
    body = {
        "type": STATEMENT_TYPE,
        "credential_ids": ["pid"],
        "text": "ok",
        "transaction_data_hashes_alg": ["sha-512"],
    }
    (entry,) = parse_transaction_data([b64(body)], QUERY)
    claims = kb_claims([entry])
    assert claims["transaction_data_hashes_alg"] == "sha-512" and bound_in(entry, claims)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"type": "https://bank.example/payment", "credential_ids": ["pid"]}, "does not understand"),
        ({"credential_ids": ["pid"], "text": "x"}, "has no type"),
        ({"type": STATEMENT_TYPE, "credential_ids": ["other"], "text": "x"}, "not a credential query"),
        ({"type": STATEMENT_TYPE, "credential_ids": [], "text": "x"}, "non-empty array of strings"),
        ({"type": STATEMENT_TYPE, "credential_ids": ["pid"]}, "text must be a statement"),
        (
            {"type": STATEMENT_TYPE, "credential_ids": ["pid"], "text": "x", "amount": 5},
            "does not define: 'amount'",
        ),
        (
            {
                "type": STATEMENT_TYPE,
                "credential_ids": ["pid"],
                "text": "x",
                "transaction_data_hashes_alg": ["md5"],
            },
            "no hash algorithm",
        ),
    ],
)
def test_anything_not_understood_refuses_the_request(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(TransactionDataError, match=message) as refused:
        parse_transaction_data([b64(entry)], QUERY)
    assert refused.value.error == "invalid_transaction_data"


def test_malformed_containers_are_refused() -> None:
    for raw, message in [
        ("[", "not a JSON array"),
        ("[]", "1 to 8 entries"),
        (["%%%"], "base64url-encoded JSON"),
        ([b64([1])], "not a JSON object"),
    ]:
        with pytest.raises(TransactionDataError, match=message):
            parse_transaction_data(raw, QUERY)


def test_a_query_without_holder_binding_cannot_carry_transaction_data() -> None:
    query = parse_query(
        {
            **QUERY.to_json(),
            "credentials": [
                {**QUERY.credentials[0].to_json(), "require_cryptographic_holder_binding": False}
            ],
        }
    )
    with pytest.raises(TransactionDataError, match="asks for no holder binding"):
        parse_transaction_data([encode_statement("x", ["pid"])], query)
