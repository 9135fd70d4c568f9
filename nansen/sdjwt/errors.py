"""Errors of SD-JWT issuance, presentation and verification (RFC 9901, SD-JWT VC).

Each error also names the ``part`` of the SD-JWT it concerns (``Part``): a verifier reports the
failing part to an officer, and a reason code alone can belong to several parts (a KB-JWT and a
disclosure can both be ``malformed`` or ``too_deep``). Errors that can only concern one part carry
it on their class; the others are located by the verification step that raised them.

::

    CredentialError                      (nansen.errors)
    └── SdJwtError                       reason "invalid"
        ├── MalformedError               "malformed"        not the shape RFC 9901 prescribes
        ├── DuplicateKeyError            "duplicate_key"    a JSON object repeats a member name
        ├── TooLargeError                "too_large"
        ├── TooManyDisclosuresError      "too_many_disclosures"
        ├── TooDeepError                 "too_deep"
        ├── NotIJsonError                "not_i_json"       (RFC 7493: unsafe integer, lone surrogate)
        ├── AlgorithmNotAllowedError     "alg_not_allowed"
        ├── HeaderForbiddenError         "header_forbidden" (jwk/jku/x5u/x5c header, unknown crit)
        ├── TypInvalidError              "typ_invalid"
        ├── SdAlgUnsupportedError        "sd_alg_unsupported"
        ├── IssuerKeyUnknownError        "issuer_key_unknown"
        ├── SignatureInvalidError        "signature_invalid"
        ├── DisclosureUnreferencedError  "disclosure_unreferenced"
        ├── DisclosureDuplicateError     "disclosure_duplicate"
        ├── DigestDuplicateError         "digest_duplicate"
        ├── ClaimNameForbiddenError      "claim_name_forbidden"
        ├── ClaimOverwriteError          "claim_overwrite"
        ├── ClaimMissingError            "claim_missing"    (exp, vct required by the profile)
        ├── ExpiredError                 "expired"
        ├── NotYetValidError             "not_yet_valid"
        ├── IatInFutureError             "iat_in_future"
        ├── HolderKeyMissingError        "cnf_missing"
        ├── KbMissingError               "kb_missing"
        ├── KbUnexpectedError            "kb_unexpected"
        ├── KbTypInvalidError            "kb_typ_invalid"
        ├── KbSignatureInvalidError      "kb_signature_invalid"
        ├── KbAudMismatchError           "kb_aud_mismatch"
        ├── KbNonceMismatchError         "kb_nonce_mismatch"
        ├── KbStaleError                 "kb_stale"
        ├── KbIatInFutureError           "kb_iat_in_future"
        ├── SdHashMismatchError          "sd_hash_mismatch"
        └── IssuanceError                "issuance_invalid"  (issuer/holder input errors)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from nansen.errors import CredentialError


class Part(StrEnum):
    """The part of an SD-JWT a failure concerns."""

    ISSUER_JWT = "issuer_jwt"  # the issuer-signed JWT: format, header, signature, profile claims
    ISSUER_KEY = "issuer_key"  # finding the issuer's key
    DISCLOSURES = "disclosures"  # the disclosures, the digests that reference them, _sd_alg
    VALIDITY = "validity"  # exp, nbf, iat of the credential
    KEY_BINDING = "key_binding"  # cnf and the KB-JWT


class SdJwtError(CredentialError):
    """An SD-JWT could not be issued, presented or verified. ``reason`` is a stable code."""

    reason = "invalid"
    part: Part | None = None  # None until the step that raised it says where (``located``)
    default_user_message = "The credential could not be verified."

    def located(self, part: Part) -> Self:
        """This error, in ``part`` unless it already names one (its class's, or a closer step's)."""
        if self.part is None:
            self.part = part
        return self


class MalformedError(SdJwtError):
    """The SD-JWT, a disclosure or the KB-JWT is not in the shape RFC 9901 prescribes."""

    reason = "malformed"


class DuplicateKeyError(SdJwtError):
    """A JSON object in the header, payload, a disclosure or the KB-JWT repeats a member name."""

    reason = "duplicate_key"


class TooLargeError(SdJwtError):
    reason = "too_large"


class TooManyDisclosuresError(SdJwtError):
    reason = "too_many_disclosures"
    part = Part.DISCLOSURES


class TooDeepError(SdJwtError):
    reason = "too_deep"


class NotIJsonError(SdJwtError):
    """The header, payload, a disclosure or the KB-JWT holds a value I-JSON forbids."""

    reason = "not_i_json"


class AlgorithmNotAllowedError(SdJwtError):
    reason = "alg_not_allowed"


class HeaderForbiddenError(SdJwtError):
    """A JWS header carries its own key (jwk, jku, x5u, x5c) or a ``crit`` we do not understand."""

    reason = "header_forbidden"


class TypInvalidError(SdJwtError):
    reason = "typ_invalid"
    part = Part.ISSUER_JWT


class SdAlgUnsupportedError(SdJwtError):
    reason = "sd_alg_unsupported"
    part = Part.DISCLOSURES


class IssuerKeyUnknownError(SdJwtError):
    """The issuer key resolver could not provide a key for this header and payload."""

    reason = "issuer_key_unknown"
    part = Part.ISSUER_KEY


class SignatureInvalidError(SdJwtError):
    reason = "signature_invalid"


class DisclosureUnreferencedError(SdJwtError):
    reason = "disclosure_unreferenced"
    part = Part.DISCLOSURES


class DisclosureDuplicateError(SdJwtError):
    reason = "disclosure_duplicate"
    part = Part.DISCLOSURES


class DigestDuplicateError(SdJwtError):
    reason = "digest_duplicate"
    part = Part.DISCLOSURES


class ClaimNameForbiddenError(SdJwtError):
    reason = "claim_name_forbidden"
    part = Part.DISCLOSURES


class ClaimOverwriteError(SdJwtError):
    reason = "claim_overwrite"
    part = Part.DISCLOSURES


class ClaimMissingError(SdJwtError):
    reason = "claim_missing"


class ExpiredError(SdJwtError):
    reason = "expired"
    default_user_message = "The credential has expired."
    part = Part.VALIDITY


class NotYetValidError(SdJwtError):
    reason = "not_yet_valid"
    part = Part.VALIDITY


class IatInFutureError(SdJwtError):
    reason = "iat_in_future"
    part = Part.VALIDITY


class HolderKeyMissingError(SdJwtError):
    """Key binding is required but the issuer-signed payload has no usable ``cnf.jwk``."""

    reason = "cnf_missing"
    part = Part.KEY_BINDING


class KbMissingError(SdJwtError):
    reason = "kb_missing"
    part = Part.KEY_BINDING


class KbUnexpectedError(SdJwtError):
    reason = "kb_unexpected"
    part = Part.KEY_BINDING


class KbTypInvalidError(SdJwtError):
    reason = "kb_typ_invalid"
    part = Part.KEY_BINDING


class KbSignatureInvalidError(SdJwtError):
    reason = "kb_signature_invalid"
    part = Part.KEY_BINDING


class KbAudMismatchError(SdJwtError):
    reason = "kb_aud_mismatch"
    part = Part.KEY_BINDING


class KbNonceMismatchError(SdJwtError):
    reason = "kb_nonce_mismatch"
    part = Part.KEY_BINDING


class KbStaleError(SdJwtError):
    reason = "kb_stale"
    part = Part.KEY_BINDING


class KbIatInFutureError(SdJwtError):
    reason = "kb_iat_in_future"
    part = Part.KEY_BINDING


class SdHashMismatchError(SdJwtError):
    reason = "sd_hash_mismatch"
    part = Part.KEY_BINDING


class IssuanceError(SdJwtError):
    """The input to issuance or presentation is unusable (unknown path, reserved claim name...)."""

    reason = "issuance_invalid"
