"""OpenID4VCI and OAuth error responses, with the spec's error codes."""

from __future__ import annotations

from nansen.errors import CredentialError


class IssuanceProtocolError(CredentialError):
    """``error`` is the code the spec gives; ``status`` the HTTP status it goes with."""

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(f"{error}: {description}", user_message=description)
        self.error = error
        self.description = description
        self.status = status
        self.reason = error
        self.headers: dict[str, str] = {}  # response headers the refusal needs (e.g. a DPoP challenge)

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def invalid_grant(description: str) -> IssuanceProtocolError:
    return IssuanceProtocolError("invalid_grant", description)


def invalid_proof(description: str) -> IssuanceProtocolError:
    return IssuanceProtocolError("invalid_proof", description)


def invalid_nonce(description: str) -> IssuanceProtocolError:
    return IssuanceProtocolError("invalid_nonce", description)


def invalid_request(description: str) -> IssuanceProtocolError:
    return IssuanceProtocolError("invalid_request", description)


def bearer_refused() -> IssuanceProtocolError:
    """A bearer access token where the deployment accepts only DPoP-bound ones (RFC 9449 §7.1)."""
    refusal = IssuanceProtocolError(
        "invalid_token", "This issuer accepts only DPoP-bound access tokens (RFC 9449).", status=401
    )
    refusal.headers["WWW-Authenticate"] = 'DPoP error="invalid_token", algs="ES256"'
    return refusal
