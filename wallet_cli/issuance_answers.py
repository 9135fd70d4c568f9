"""Reading the issuer's answers: JSON bodies, encrypted Credential Responses, OAuth error codes, and
the words that tell the holder whose problem a refusal is."""

from __future__ import annotations

import re
from typing import Any

import httpx

from nansen.openid4vci.endpoints import holder_must_act
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _
from wallet_cli.issuance_encryption import ResponseEncryption

_ERROR_CODE = re.compile(r"[a-z_]{1,40}")  # an OAuth error code; anything else is not shown


def not_understood() -> WalletError:
    return WalletError(_("The issuer sent an answer that is not understood."), ExitCode.ERROR)


def json_body(response: Any) -> dict[str, Any]:
    try:
        value = response.json()
    except ValueError:
        raise not_understood() from None
    return value if isinstance(value, dict) else {}


def credential_answer(response: httpx.Response, encryption: ResponseEncryption | None) -> dict[str, Any]:
    """The body of a (deferred) Credential Response: decrypted when the wallet asked for encryption
    (1.0 §8.3: ``application/jwt``); an error response is never encrypted (§8.3.1)."""
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if response.status_code not in (200, 202) or encryption is None:
        if media_type == "application/jwt" and response.status_code in (200, 202):
            raise not_understood()  # encrypted to a key the wallet never sent
        return json_body(response)
    if media_type != "application/jwt":
        raise WalletError(
            _("The issuer did not encrypt its answer as the wallet asked. Nothing was saved."),
            ExitCode.ERROR,
        )
    return encryption.decrypt(response.text.strip())


def text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise not_understood()
    return value


def error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    code = body.get("error") if isinstance(body, dict) else None
    if isinstance(code, str) and _ERROR_CODE.fullmatch(code):
        return code
    return f"HTTP {response.status_code}"


def token_refused(error: str) -> WalletError:
    if holder_must_act(error):
        return WalletError(
            _("The issuer refused the code. Check the code with the officer and try again."),
            ExitCode.VERIFICATION_FAILED,
        )
    return WalletError(
        _(
            "The issuer could not give access ({error}). This is not a problem with your code: "
            "try again later or tell the officer."
        ).format(error=error),
        ExitCode.ERROR,
    )


def issued_credentials(body: dict[str, Any]) -> list[str]:
    """The credentials of a Credential Response (OpenID4VCI 1.0 §8.3: ``credentials``, one object
    with a ``credential`` each)."""
    credentials = body.get("credentials")
    if not isinstance(credentials, list) or not credentials:
        raise not_understood()
    compacts = [c.get("credential") if isinstance(c, dict) else None for c in credentials]
    if not all(isinstance(c, str) for c in compacts):
        raise not_understood()
    return [str(c) for c in compacts]


def interval(value: Any) -> float:
    """The wait the issuer asks for before asking again, between 0.1 and 5 seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return 5.0
    return min(max(float(value), 0.1), 5.0)
