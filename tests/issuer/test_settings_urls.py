"""The URLs a verifier derives from a credential must reach this issuer: refused at start-up in
production when ISSUER_ID and PUBLIC_URL differ (the status list uri and the JWT VC issuer metadata
are found from iss); the vct is a URL the deployer controls."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from issuer.credential_types import load_types
from issuer.settings import IssuerSettings

SECRETS = {"signing_key_passphrase": SecretStr("x"), "chain_keystore_passphrase": SecretStr("y")}


def test_production_refuses_an_issuer_id_that_is_not_the_public_url() -> None:
    with pytest.raises(ValidationError, match="ISSUER_ID and NANSEN_ISSUER_PUBLIC_URL must be the same"):
        IssuerSettings(
            environment="production",
            issuer_id="https://ngo.example.org",
            public_url="https://issuer.ngo.example.org",
            _env_file=None,  # type: ignore[call-arg]
            **SECRETS,
        )
    fine = IssuerSettings(
        environment="production",
        issuer_id="https://ngo.example.org",
        public_url="https://ngo.example.org/",
        _env_file=None,  # type: ignore[call-arg]
        **SECRETS,
    )
    assert fine.vct_base == "https://ngo.example.org/.well-known/vct"


def test_the_vct_is_under_the_configured_base_and_carries_integrity() -> None:
    with pytest.raises(ValidationError, match="VCT_BASE_URL must be an https URL"):
        IssuerSettings(vct_base_url="http://types.example.org", _env_file=None)  # type: ignore[call-arg]
    settings = IssuerSettings(vct_base_url="https://types.example.org/vct/", _env_file=None)  # type: ignore[call-arg]
    kind = load_types(vct_base=settings.vct_base)["refugee_identity"]
    assert kind.vct == "https://types.example.org/vct/refugee_identity"
    assert kind.vct_integrity.startswith("sha256-") and len(kind.vct_integrity) == 7 + 44
