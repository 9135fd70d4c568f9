"""Errors of the key, JWS and JWE layer.

::

    CryptoError                     (nansen.errors)
    ├── EncodingError               reason "b64_invalid"
    ├── JsonError                   reason "json_malformed"
    │   ├── DuplicateKeyError       reason "duplicate_key"
    │   ├── JsonTooLargeError       reason "too_large"
    │   ├── JsonTooDeepError        reason "too_deep"
    │   └── NotIJsonError           reason "not_i_json"
    ├── KeyFormatError              reason "key_invalid"
    │   ├── UnsupportedKeyError     reason "key_unsupported"
    │   └── WrongPassphraseError    reason "wrong_passphrase"
    ├── DidJwkError                 reason "did_invalid"
    ├── JwsError                    reason "jws_malformed"
    │   ├── AlgorithmNotAllowedError   reason "alg_not_allowed"
    │   ├── CritNotUnderstoodError     reason "crit_unsupported"
    │   ├── ForbiddenHeaderError       reason "header_forbidden"
    │   └── SignatureInvalidError      reason "signature_invalid"
    └── JweError                    reason "jwe_malformed"
        ├── JweAlgorithmError          reason "jwe_alg_not_allowed"
        └── JweDecryptionError         reason "jwe_decryption_failed"

Each class carries a stable ``reason`` code: logs and API problem details key on it, never on the message.
"""

from __future__ import annotations

from nansen.errors import CryptoError


class EncodingError(CryptoError):
    """base64url text is not canonical unpadded base64url."""

    reason = "b64_invalid"


class JsonError(CryptoError):
    """JSON text is malformed or uses a construct we refuse (NaN, Infinity, bad UTF-8)."""

    reason = "json_malformed"


class DuplicateKeyError(JsonError):
    """A JSON object repeats a member name: parsers disagree on which one wins, so we refuse."""

    reason = "duplicate_key"


class JsonTooLargeError(JsonError):
    """The JSON text exceeds the size limit."""

    reason = "too_large"


class JsonTooDeepError(JsonError):
    """The JSON value nests deeper than the depth limit."""

    reason = "too_deep"


class NotIJsonError(JsonError):
    """Valid JSON that I-JSON (RFC 7493) forbids and no issuer of ours writes: an integer beyond
    +-(2^53 - 1), a number beyond a double's range, or a string or member name holding a lone
    surrogate (text that is not Unicode)."""

    reason = "not_i_json"


class KeyFormatError(CryptoError):
    """A key (JWK, raw point, PEM) is malformed or not on the curve."""

    reason = "key_invalid"


class UnsupportedKeyError(KeyFormatError):
    """The key type or curve is not P-256."""

    reason = "key_unsupported"


class WrongPassphraseError(KeyFormatError):
    """The encrypted private key could not be decrypted with this passphrase."""

    reason = "wrong_passphrase"


class DidJwkError(CryptoError):
    """A did:jwk identifier or DID URL is malformed."""

    reason = "did_invalid"


class JwsError(CryptoError):
    """A compact JWS is malformed."""

    reason = "jws_malformed"


class AlgorithmNotAllowedError(JwsError):
    """The JWS ``alg`` is not in the allow-list (``none``, ``HS256``, ...)."""

    reason = "alg_not_allowed"


class CritNotUnderstoodError(JwsError):
    """The JWS names a ``crit`` header parameter we do not understand."""

    reason = "crit_unsupported"


class ForbiddenHeaderError(JwsError):
    """The JWS header carries a key reference (``jwk``, ``jku``, ``x5u``, ``x5c``) not allowed here."""

    reason = "header_forbidden"


class SignatureInvalidError(JwsError):
    """The JWS signature does not verify with the given key."""

    reason = "signature_invalid"


class JweError(CryptoError):
    """A compact JWE is malformed."""

    reason = "jwe_malformed"


class JweAlgorithmError(JweError):
    """The JWE ``alg``, ``enc`` or ``zip`` is not one we accept (only ECDH-ES with AES-GCM)."""

    reason = "jwe_alg_not_allowed"


class JweDecryptionError(JweError):
    """The JWE does not decrypt with this key: another recipient's, or damaged in transit."""

    reason = "jwe_decryption_failed"
