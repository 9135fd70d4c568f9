"""What a NANSEN_PURE_PYTHON=1 build runs on the verify path gives the same verdicts: every C fast
path (SD-JWT reader, strict JSON, canonical leaf) switched off at once, the result compared whole."""

from __future__ import annotations

import pytest
from world import NOW, World

from nansen.credential import anchor
from nansen.credential.anchor import ContentNotCanonicalError, content_leaf, content_leaf_in_python
from nansen.credential.verification import CredentialVerifier
from nansen.crypto import jsonstrict
from nansen.sdjwt import compact
from nansen.sdjwt.presentation import create_presentation

AUD, NONCE = "x509_san_dns:verifier.example", "n-0S6_WzA2Mj"


def _switch_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compact, "_native_read", None)
    monkeypatch.setattr(jsonstrict, "_native_loads", None)
    monkeypatch.setattr(anchor, "_native_leaf", None)


def test_verdicts_are_the_same_without_the_c_module(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    verifier = CredentialVerifier(world.trust)
    valid = [
        create_presentation(
            issued=credential.compact,
            disclose=disclose,
            holder_key=world.holder_key,
            aud=AUD,
            nonce=NONCE,
            iat=NOW - 5,
        )
        for credential, disclose in zip(
            world.issue(2),
            ([("nationality",)], [("place_of_birth",), ("languages",), ("age_over_18",)]),
            strict=True,
        )
    ]
    jwt, *rest = valid[1].split("~")
    presentations = [*valid, "~".join([jwt, "", *rest]), "~".join([jwt, *rest[1:]]), valid[0][:-3]]
    with_c = [verifier.verify_presentation(p, audience=AUD, nonce=NONCE) for p in presentations]
    _switch_off(monkeypatch)
    without = [verifier.verify_presentation(p, audience=AUD, nonce=NONCE) for p in presentations]
    assert with_c == without
    assert [r.verdict.value for r in with_c] == ["valid", "valid", "invalid", "invalid", "invalid"]


def test_a_payload_with_a_lone_surrogate_has_no_leaf_either_way() -> None:
    payload = {"iss": "x", "name": "\ud800", "anchor": {}}
    for leaf in (content_leaf, content_leaf_in_python):
        with pytest.raises(ContentNotCanonicalError):
            leaf(payload)
    assert content_leaf({"a": 1.5}) == content_leaf_in_python({"a": 1.5})  # floats go the Python way
