"""``trusted_authorities`` (OpenID4VP 1.0 section 6.1.1) evaluated on what a credential carries.

Only ``aki`` can be decided from the credential alone: the Authority Key Identifier of a
certificate in the issuer's ``x5c`` chain is compared with the base64url values. ``etsi_tl`` needs
the ETSI trusted list and ``openid_federation`` a trust chain fetched from the federation; this
module does neither, so for them (and for types it does not know) the answer is ``UNKNOWN``,
never a match it cannot check.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from enum import StrEnum

from cryptography import x509

from nansen.openid4vp.dcql import TrustedAuthority


class TrustMatch(StrEnum):
    MATCH = "match"
    NO_MATCH = "no_match"
    UNKNOWN = "unknown"  # a condition this module cannot evaluate


def authority_key_ids(x5c_der: Sequence[bytes]) -> set[bytes]:
    """The AuthorityKeyIdentifier key ids of the certificates in a chain (unparseable ones skipped:
    they can match nothing)."""
    found: set[bytes] = set()
    for der in x5c_der:
        try:
            ext = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(
                x509.AuthorityKeyIdentifier
            )
        except (ValueError, x509.ExtensionNotFound):
            continue
        if ext.value.key_identifier is not None:
            found.add(ext.value.key_identifier)
    return found


def _b64url(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        return None


def evaluate(authorities: Sequence[TrustedAuthority], x5c_der: Sequence[bytes]) -> TrustMatch:
    """MATCH if one condition is met; NO_MATCH if every condition was evaluated and none is;
    UNKNOWN if none is met but some could not be evaluated. No conditions: MATCH."""
    if not authorities:
        return TrustMatch.MATCH
    unknown = False
    akis = authority_key_ids(x5c_der)
    for authority in authorities:
        if authority.type != "aki":
            unknown = True
            continue
        if any(_b64url(v) in akis for v in authority.values):
            return TrustMatch.MATCH
    return TrustMatch.UNKNOWN if unknown else TrustMatch.NO_MATCH
