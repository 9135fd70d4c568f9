"""trusted_authorities (OpenID4VP 1.0 section 6.1.1): ``aki`` is decided from the credential's x5c
chain; ``etsi_tl`` and ``openid_federation`` cannot be checked here and are never called a match."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from nansen.openid4vp.dcql import TrustedAuthority, parse_query
from nansen.openid4vp.dcql_match import HeldCredential, match_one
from nansen.openid4vp.dcql_trust import TrustMatch, evaluate
from nansen.openid4vp.errors import Miss


def chain() -> tuple[bytes, str]:
    """A leaf certificate signed by an anchor, and the anchor's key identifier (base64url)."""
    anchor_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "anchor")])
    now = datetime.now(UTC)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "issuer")]))
        .issuer_name(name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(anchor_key.public_key()), critical=False
        )
        .sign(anchor_key, hashes.SHA256())
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(anchor_key.public_key()).digest
    return leaf.public_bytes(serialization.Encoding.DER), base64.urlsafe_b64encode(ski).rstrip(b"=").decode()


def test_aki_matches_the_chain_and_nothing_else() -> None:
    der, aki = chain()
    assert (
        evaluate([TrustedAuthority("aki", ("s9tIpPmhxdiuNkHMEWNpYim8S8Y", aki))], [der]) is TrustMatch.MATCH
    )
    assert evaluate([TrustedAuthority("aki", ("s9tIpPmhxdiuNkHMEWNpYim8S8Y",))], [der]) is TrustMatch.NO_MATCH
    assert evaluate([TrustedAuthority("aki", (aki,))], []) is TrustMatch.NO_MATCH  # no x5c: no chain
    assert evaluate([TrustedAuthority("aki", (aki,))], [b"not a certificate"]) is TrustMatch.NO_MATCH
    assert evaluate([], []) is TrustMatch.MATCH


def test_what_cannot_be_evaluated_is_unknown_never_a_match() -> None:
    der, aki = chain()
    for kind in ("etsi_tl", "openid_federation", "some_future_type"):
        assert evaluate([TrustedAuthority(kind, ("https://lotl.example.com",))], [der]) is TrustMatch.UNKNOWN
    mixed = [TrustedAuthority("etsi_tl", ("https://lotl.example.com",)), TrustedAuthority("aki", (aki,))]
    assert evaluate(mixed, [der]) is TrustMatch.MATCH


def test_the_matcher_leaves_out_a_credential_of_an_untrusted_issuer_and_flags_the_uncheckable() -> None:
    der, aki = chain()
    vct = "https://issuer.example/pid"

    def query(authorities: list[dict[str, object]]) -> object:
        return parse_query(
            {
                "credentials": [
                    {
                        "id": "q",
                        "format": "dc+sd-jwt",
                        "meta": {"vct_values": [vct]},
                        "trusted_authorities": authorities,
                    }
                ]
            }
        ).credentials[0]

    credential = HeldCredential("c", vct, {}, x5c_der=(der,))
    miss = match_one(query([{"type": "aki", "values": ["AAAA"]}]), credential)  # type: ignore[arg-type]
    assert isinstance(miss, Miss) and miss.code == "untrusted_issuer"
    found = match_one(query([{"type": "etsi_tl", "values": ["https://lotl.example.com"]}]), credential)  # type: ignore[arg-type]
    assert not isinstance(found, Miss) and found.trust is TrustMatch.UNKNOWN
    found = match_one(query([{"type": "aki", "values": [aki]}]), credential)  # type: ignore[arg-type]
    assert not isinstance(found, Miss) and found.trust is TrustMatch.MATCH
