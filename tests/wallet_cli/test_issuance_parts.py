"""The parts of the wallet's OpenID4VCI client that decide on their own (issue 17): which display
entry fits the holder's language, which offers by reference may be fetched and how much of them,
which response encryption to ask for, which copies of a batch to keep and which to present."""

from __future__ import annotations

import json

import httpx
import pytest
from issuer_double import issuer_double

from nansen.crypto.jwe import encrypt_ecdh_es
from nansen.crypto.jws import sign_compact
from nansen.crypto.keys import generate_private_key, private_key_to_jwk, public_key_from_jwk
from nansen.openid4vci.errors import IssuanceProtocolError
from nansen.openid4vci.offer import offer_reference
from wallet_cli.credential_instances import copies_left, copy_to_present, marked_shown
from wallet_cli.display_metadata import (
    claim_for_consent,
    claim_label,
    credential_display,
    pick_locale,
    stored_display,
)
from wallet_cli.errors import WalletError
from wallet_cli.issuance_batch import batch_size, instances
from wallet_cli.issuance_encryption import response_encryption
from wallet_cli.offer_reference import fetch_offer

ENTRIES = [
    {"name": "first", "locale": "de"},
    {"name": "English", "locale": "en-GB"},
    {"name": "no locale"},
    {"name": "Français", "locale": "fr-CA"},
    {"name": "exact", "locale": "FR"},
]


@pytest.mark.parametrize(
    ("language", "entries", "chosen"),
    [
        ("fr", ENTRIES, "exact"),  # exact, whatever the case
        ("fr", ENTRIES[:4], "Français"),  # same language, another region
        ("ar", ENTRIES, "English"),
        ("ar", [ENTRIES[0], ENTRIES[2]], "no locale"),
        ("ar", [ENTRIES[0]], "first"),
    ],
)
def test_the_display_entry_for_the_holders_language(
    language: str, entries: list[dict[str, str]], chosen: str
) -> None:
    assert (pick_locale(entries, language) or {})["name"] == chosen


def test_stored_display_keeps_only_what_can_be_shown() -> None:
    metadata = {
        "credential_configurations_supported": {
            "id": {  # a draft-15 issuer: display and claims on the configuration itself
                "display": [
                    {"name": "x" * 500, "locale": "en", "logo": {"alt_text": "Dove\nline"}},
                    "junk",
                    {"locale": "fr"},
                ],
                "claims": [
                    {"path": ["address", 0, None], "display": [{"name": "Street", "locale": "en"}]},
                    {"path": [True], "display": [{"name": "bad path"}]},
                    {"path": "given_name", "display": [{"name": "bad path"}]},
                ],
            }
        }
    }
    kept = stored_display(metadata, "id")
    shown = credential_display(kept, "en")
    assert shown.name is not None and len(shown.name) == 80 and shown.name.endswith("…")
    assert shown.logo_alt_text == "Dove line" and shown.description is None
    assert claim_label(kept, ["address", 0, None], "en") == "“Street”"
    assert claim_label(kept, ["address", 1], "en") == "address.1"  # no label: the path, unquoted
    assert len(kept["claim_labels"]) == 1 and len(kept["display"]) == 1
    assert stored_display({"credential_configurations_supported": []}, "id") == {
        "display": [],
        "claim_labels": [],
    }


def test_issuer_text_cannot_close_the_quotes_it_is_shown_in() -> None:
    record = {"claim_labels": [{"path": ["a"], "display": [{"name": "x” is accredited “y"}]}]}
    assert claim_label(record, ["a"], "en") == '“x" is accredited "y”'


@pytest.mark.parametrize(
    ("link", "words"),
    [
        ("openid-credential-offer://?credential_offer_uri=http%3A%2F%2Fevil.example%2Fo", "https URL"),
        ("openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa%40evil.example%2Fo", "https URL"),
        (
            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa.example&credential_offer=%7B%7D",
            "no credential_offer",
        ),
        (
            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa.example&credential_offer_uri=https%3A%2F%2Fb.example",
            "one credential_offer_uri",
        ),
    ],
)
def test_an_offer_reference_the_wallet_may_not_fetch_is_refused(link: str, words: str) -> None:
    with pytest.raises(IssuanceProtocolError, match=words):
        offer_reference(link)


def test_an_offer_by_value_has_no_reference() -> None:
    assert offer_reference('{"credential_issuer": "https://a.example"}') is None
    assert offer_reference("openid-credential-offer://?credential_offer=%7B%7D") is None
    assert (
        offer_reference("openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fa.example%2Fo")
        == "https://a.example/o"
    )


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ((200, b"{" + b" " * 9000 + b"}"), "too large"),
        ((404, b"{}"), "answered 404"),
        ((302, b""), "answered 302"),
    ],
)
def test_an_offer_by_reference_is_fetched_within_limits(answer: tuple[int, bytes], words: str) -> None:
    with issuer_double() as server, httpx.Client() as client:
        server.answers = {"/o": answer}
        with pytest.raises(WalletError, match=words):
            fetch_offer(client, f"{server.url}/o")


def test_response_encryption_is_asked_for_only_in_a_scheme_the_wallet_has() -> None:
    assert response_encryption({}) is None
    offered = {
        "alg_values_supported": ["RSA-OAEP-256"],
        "enc_values_supported": ["A256GCM"],
        "encryption_required": False,
    }
    assert response_encryption({"credential_response_encryption": offered}) is None
    with pytest.raises(WalletError, match="does not support"):
        response_encryption({"credential_response_encryption": {**offered, "encryption_required": True}})
    chosen = response_encryption(
        {
            "credential_response_encryption": {
                **offered,
                "alg_values_supported": ["ECDH-ES"],
                "enc_values_supported": ["A128GCM", "A256GCM"],
            }
        }
    )
    assert chosen is not None and chosen.request_key is None
    parameter = chosen.request_parameter()
    assert (
        parameter["enc"] == "A256GCM" and parameter["jwk"]["alg"] == "ECDH-ES" and "d" not in parameter["jwk"]
    )
    sealed = encrypt_ecdh_es(b'{"credentials": []}', public_key_from_jwk(parameter["jwk"]), enc="A256GCM")
    assert chosen.decrypt(sealed) == {"credentials": []}
    other = encrypt_ecdh_es(b"{}", generate_private_key().public_key(), enc="A256GCM")
    with pytest.raises(WalletError, match="cannot be opened"):
        chosen.decrypt(other)


def _bound_to(key_jwk: dict[str, str]) -> str:
    payload = {"iss": "https://i.example", "vct": "v", "cnf": {"jwk": key_jwk}}
    return (
        sign_compact(
            header={"typ": "dc+sd-jwt"}, payload=json.dumps(payload).encode(), key=generate_private_key()
        )
        + "~"
    )


def test_a_batch_is_kept_only_if_each_copy_is_bound_to_its_own_new_key() -> None:
    assert batch_size({"batch_credential_issuance": {"batch_size": 50}}) == 10
    assert batch_size({"batch_credential_issuance": {"batch_size": True}}) == 1
    keys = [generate_private_key() for _ in range(3)]
    public = [dict(k.public_key().jwk()) for k in keys]
    kept = instances([_bound_to(public[2]), _bound_to(public[0])], keys)  # fewer than asked: kept
    assert [i.holder_jwk for i in kept] == [private_key_to_jwk(keys[2]), private_key_to_jwk(keys[0])]
    for wrong, words in [
        ([_bound_to(p) for p in public] + [_bound_to(public[0])], "sent 4 credentials for 3 keys"),
        ([], "sent 0 credentials"),
        ([_bound_to(public[0]), _bound_to(public[0])], "not each bound"),  # one key twice: linkable
        ([_bound_to(dict(generate_private_key().public_key().jwk()))], "not each bound"),
        (["not an sd-jwt~"], "not each bound"),
    ]:
        with pytest.raises(WalletError, match=words):
            instances(wrong, keys)


def test_each_presentation_takes_a_copy_not_shown_before() -> None:
    record = {"compact": "c0", "instances": [{"compact": f"c{i}", "holder_jwk": {"k": i}} for i in range(2)]}
    shown = []
    for moment in range(1, 4):
        copy = copy_to_present(record, {"wallet": 1})
        shown.append((copy.compact, copy.shown_before))
        record = marked_shown(record, copy, now=moment) or record
    assert shown == [("c0", False), ("c1", False), ("c0", True)]  # then the one shown longest ago
    assert copies_left(record) == 0
    single = copy_to_present({"compact": "only"}, {"wallet": 1})
    assert (single.compact, single.holder_jwk, marked_shown({"compact": "only"}, single, now=1)) == (
        "only",
        {"wallet": 1},
        None,
    )


def test_the_consent_prompt_names_each_claim_by_its_path_beside_the_issuers_label() -> None:
    record = {
        "claim_labels": [
            {"path": ["nationality"], "display": [{"name": "Nothing important", "locale": "en"}]}
        ]
    }
    assert claim_for_consent(record, ["nationality"], "en") == "“Nothing important” (nationality)"
    assert claim_for_consent(record, ["address", None], "en") == "address.*"
