"""Errors of SD-JWT issuance, presentation and verification (RFC 9901, SD-JWT VC).

::

    CredentialError                      (nansen.errors)
    └── SdJwtError                       reason "invalid"
        ├── MalformedError               "malformed"        not the shape RFC 9901 prescribes
        ├── DuplicateKeyError            "duplicate_key"    a JSON object repeats a member name
        ├── TooLargeError                "too_large"
        ├── TooManyDisclosuresError      "too_many_disclosures"
        ├── TooDeepError                 "too_deep"
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

from nansen.errors import CredentialError


class SdJwtError(CredentialError):
    """An SD-JWT could not be issued, presented or verified. ``reason`` is a stable code."""

    reason = "invalid"
    default_user_message = "The credential could not be verified."


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


class TooDeepError(SdJwtError):
    reason = "too_deep"


class AlgorithmNotAllowedError(SdJwtError):
    reason = "alg_not_allowed"


class HeaderForbiddenError(SdJwtError):
    """A JWS header carries its own key (jwk, jku, x5u, x5c) or a ``crit`` we do not understand."""

    reason = "header_forbidden"


class TypInvalidError(SdJwtError):
    reason = "typ_invalid"


class SdAlgUnsupportedError(SdJwtError):
    reason = "sd_alg_unsupported"


class IssuerKeyUnknownError(SdJwtError):
    """The issuer key resolver could not provide a key for this header and payload."""

    reason = "issuer_key_unknown"


class SignatureInvalidError(SdJwtError):
    reason = "signature_invalid"


class DisclosureUnreferencedError(SdJwtError):
    reason = "disclosure_unreferenced"


class DisclosureDuplicateError(SdJwtError):
    reason = "disclosure_duplicate"


class DigestDuplicateError(SdJwtError):
    reason = "digest_duplicate"


class ClaimNameForbiddenError(SdJwtError):
    reason = "claim_name_forbidden"


class ClaimOverwriteError(SdJwtError):
    reason = "claim_overwrite"


class ClaimMissingError(SdJwtError):
    reason = "claim_missing"


class ExpiredError(SdJwtError):
    reason = "expired"
    default_user_message = "The credential has expired."


class NotYetValidError(SdJwtError):
    reason = "not_yet_valid"


class IatInFutureError(SdJwtError):
    reason = "iat_in_future"


class HolderKeyMissingError(SdJwtError):
    """Key binding is required but the issuer-signed payload has no usable ``cnf.jwk``."""

    reason = "cnf_missing"


class KbMissingError(SdJwtError):
    reason = "kb_missing"


class KbUnexpectedError(SdJwtError):
    reason = "kb_unexpected"


class KbTypInvalidError(SdJwtError):
    reason = "kb_typ_invalid"


class KbSignatureInvalidError(SdJwtError):
    reason = "kb_signature_invalid"


class KbAudMismatchError(SdJwtError):
    reason = "kb_aud_mismatch"


class KbNonceMismatchError(SdJwtError):
    reason = "kb_nonce_mismatch"


class KbStaleError(SdJwtError):
    reason = "kb_stale"


class KbIatInFutureError(SdJwtError):
    reason = "kb_iat_in_future"


class SdHashMismatchError(SdJwtError):
    reason = "sd_hash_mismatch"


class IssuanceError(SdJwtError):
    """The input to issuance or presentation is unusable (unknown path, reserved claim name...)."""

    reason = "issuance_invalid"
