"""The one exception tree of Nansen.

Every failure raised by the core library is a ``NansenError``. Each carries a technical
``message`` (for logs: never personal data, never secrets) and a ``user_message`` a person can act
on. Edges map them to HTTP problem details or CLI exit codes; the core never does.

::

    NansenError
    ├── ConfigurationError        settings, deployment files, keystores
    ├── ChainError                see nansen.chain.errors (RPC, transactions, reverts)
    ├── CryptoError               see nansen.crypto.errors (keys, JWS, JWE), nansen.x509_trust
    ├── CredentialError           see nansen.sdjwt.errors, nansen.credential (formats, verification)
    │                             and nansen.offline_transport (offline QR frames)
    ├── MerkleError               see nansen.merkle
    └── StatusListError           see nansen.status
"""

from __future__ import annotations


class NansenError(Exception):
    """Root of every error the Nansen core raises."""

    default_user_message = "Something went wrong."

    def __init__(self, message: str, *, user_message: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.user_message = user_message or message or self.default_user_message

    def __str__(self) -> str:
        return self.message


class ConfigurationError(NansenError):
    """A setting, deployment file or keystore is missing or wrong."""


class ChainError(NansenError):
    """Talking to the EVM chain failed. Leaves live in nansen.chain.errors."""


class CryptoError(NansenError):
    """A key or signature operation failed. Leaves live in nansen.crypto.errors."""


class CredentialError(NansenError):
    """A credential or presentation is malformed or did not verify."""


class MerkleError(NansenError):
    """A Merkle tree or inclusion proof is malformed or does not match."""


class StatusListError(NansenError):
    """A status list is malformed, full, or an index is out of range."""
