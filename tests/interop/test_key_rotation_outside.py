"""Key rotation seen by an outside verifier (@sd-jwt/sd-jwt-vc with the issuer's JWT VC Issuer
Metadata): a credential signed before `nansen-issuer rotate-key` still verifies after the restart,
because /.well-known/jwt-vc-issuer lists every key whose credentials may still be valid
(SD-JWT VC §3.5 and JWT VC Issuer Metadata §3: the verifier picks the key by `kid` from `jwks`)."""

from __future__ import annotations

import pytest
from interop_support import IssuerProcess, node

pytestmark = pytest.mark.chain


def test_a_credential_signed_before_a_rotation_still_verifies_outside(issuer: IssuerProcess) -> None:
    before = issuer.receive()["credential"]
    checked = node("verify_credential.mjs", {"credential": before, "issuer_base": issuer.base})
    assert checked["ok"] and checked["status"] == 0, checked
    old_kid = checked["kid"]

    issuer.stop()
    rotated = issuer.cli("rotate-key")
    assert rotated.returncode == 0, rotated.stderr
    issuer.start()

    after = issuer.receive()["credential"]
    new = node("verify_credential.mjs", {"credential": after, "issuer_base": issuer.base})
    assert new["ok"] and new["kid"] != old_kid, new
    old = node("verify_credential.mjs", {"credential": before, "issuer_base": issuer.base})
    assert old["ok"] and old["kid"] == old_kid, old
    assert old["claims"]["nationality"] == "SY"
