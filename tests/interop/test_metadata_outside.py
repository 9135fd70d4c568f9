"""What outside implementations read from the issuer's metadata: the credential offer and the
Credential Issuer Metadata as @openid4vc/openid4vci parses them (OpenID4VCI 1.0 §4, §12.2, Appendix
B.2: claim display entries are {name, locale}), and the vct as a URL that resolves to SD-JWT VC type
metadata (display and claim labels keyed by `locale`), checked against the credential's
`vct#integrity` (W3C SRI), as @sd-jwt/sd-jwt-vc's type metadata schema accepts it."""

from __future__ import annotations

import pytest
from interop_support import IssuerProcess, node

pytestmark = pytest.mark.chain


def test_display_metadata_and_the_vct_resolve_for_outside_implementations(issuer: IssuerProcess) -> None:
    received = issuer.receive()
    claims = received["display"]["claims"]
    nationality = next(c for c in claims if c["path"] == ["nationality"])
    assert {"name": "Nationality", "locale": "en"} in nationality["display"]
    assert all(set(d) == {"name", "locale"} for c in claims for d in c["display"])

    checked = node(
        "verify_credential.mjs", {"credential": received["credential"], "issuer_base": issuer.base}
    )
    assert checked["ok"], checked
    assert checked["vct"] == f"{issuer.settings.issuer_id}/.well-known/vct/refugee_identity"
    assert checked["integrityChecked"] is True
    metadata = checked["typeMetadata"]
    assert {"locale": "fr", "name": "Attestation d'identité de réfugié"} in metadata["display"]
    labels = next(c for c in metadata["claims"] if c["path"] == ["nationality"])["display"]
    assert {"locale": "en", "label": "Nationality"} in labels
