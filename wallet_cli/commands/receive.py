"""receive OFFER: the OpenID4VCI pre-authorized code flow, then the credential is checked on chain and
stored (when the chain cannot be reached: stored as not yet checked, and checked again later)."""

from __future__ import annotations

import time
from typing import Any

import typer

from wallet_cli.context import Context
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _
from wallet_cli.qr_input import text_or_qr
from wallet_cli.store.wallet import Wallet

DEFERRED_TIMEOUT = 120.0


def receive(ctx: Context, offer_text: str, tx_code: str | None) -> None:
    import httpx

    from nansen.crypto.keys import private_key_from_jwk
    from nansen.errors import NansenError
    from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
    from nansen.openid4vci.proof import build_proof_jwt
    from nansen.sdjwt.presentation import select_disclosures  # noqa: F401  (warm import for present)

    try:
        offer = parse_offer(text_or_qr(offer_text))
    except NansenError as exc:
        raise WalletError(
            _("This offer cannot be used: {reason}").format(reason=exc.user_message), ExitCode.USAGE
        ) from None
    wallet = ctx.open_wallet()
    base = offer.credential_issuer.rstrip("/")
    ctx.say(
        _("Offer from {issuer} for: {types}").format(
            issuer=base, types=", ".join(offer.credential_configuration_ids)
        )
    )
    if offer.tx_code_length and not tx_code:
        tx_code = str(typer.prompt(_("Enter the code the officer told you")))
    holder = private_key_from_jwk(wallet.holder_jwk)
    try:
        with httpx.Client(timeout=20) as client:
            metadata = _json(client.get(f"{base}/.well-known/openid-credential-issuer"))
            token = client.post(
                f"{base}/token",
                data={
                    "grant_type": PRE_AUTHORIZED_GRANT,
                    "pre-authorized_code": offer.pre_authorized_code,
                    "tx_code": tx_code or "",
                },
            )
            if token.status_code != 200:
                raise WalletError(
                    _("The issuer refused the code. Check the code with the officer and try again."),
                    ExitCode.VERIFICATION_FAILED,
                )
            auth = {"Authorization": f"Bearer {_text(_json(token), 'access_token')}"}
            nonce = _text(_json(client.post(f"{base}/nonce")), "c_nonce")
            proof = build_proof_jwt(
                holder_key=holder, audience=offer.credential_issuer, nonce=nonce, iat=int(time.time())
            )
            configuration = offer.credential_configuration_ids[0]
            response = client.post(
                f"{base}/credential",
                headers=auth,
                json={"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}},
            )
            body = _json(response)
            deadline = time.monotonic() + DEFERRED_TIMEOUT
            transaction_id = body.get("transaction_id")
            while response.status_code == 202:  # deferred: OpenID4VCI 1.0 answers 202 until it is ready
                if time.monotonic() > deadline:
                    raise WalletError(
                        _("The issuer did not finish in time. Try again later."), ExitCode.UNREACHABLE
                    )
                ctx.say(_("The issuer is still preparing your credential. Please wait…"))
                time.sleep(_interval(body.get("interval")))
                response = client.post(
                    f"{base}/deferred_credential",
                    headers=auth,
                    json={"transaction_id": transaction_id},
                )
                body = _json(response)
                if response.status_code == 400 and body.get("error") == "issuance_pending":
                    response.status_code = 202  # the answer of drafts before 1.0
            if response.status_code != 200:
                raise WalletError(
                    _("The issuer could not give the credential: {reason}").format(
                        reason=str(body.get("error_description", body.get("error", "?")))[:300]
                    ),
                    ExitCode.VERIFICATION_FAILED,
                )
    except (httpx.HTTPError, httpx.InvalidURL):  # InvalidURL is not an HTTPError
        raise WalletError(
            _("Cannot reach the issuer. Check your connection and try again."), ExitCode.UNREACHABLE
        ) from None
    compact = _issued_credential(body)
    _store(ctx, wallet, compact, offered_by=base, config=_configuration(metadata, configuration))


def _store(ctx: Context, wallet: Wallet, compact: Any, *, offered_by: str, config: dict[str, Any]) -> None:
    """Stores what the credential says whatever the chain state; only the chain's verdict varies."""
    from nansen.errors import NansenError
    from wallet_cli.chain_check import open_verifier
    from wallet_cli.credential_content import unverified_content
    from wallet_cli.credential_record import ChainCheck, chain_check, new_record

    try:
        content = unverified_content(compact)
    except NansenError as exc:
        raise WalletError(
            _("The issuer sent a credential that cannot be read ({reason}). It was not saved.").format(
                reason=exc.user_message
            ),
            ExitCode.VERIFICATION_FAILED,
        ) from None
    verifier = open_verifier(ctx.settings)
    result = verifier.verify_issued(compact) if verifier is not None else None
    metadata = config.get("credential_metadata", {})
    record = new_record(
        compact=compact,
        content=content,
        result=result,
        offered_by=offered_by,
        received_at=int(time.time()),
        display=metadata.get("display", []),
        claim_labels=metadata.get("claims", []),
    )
    if chain_check(record) is ChainCheck.INVALID:
        raise WalletError(
            _("The credential did not pass the checks ({reason}). It was not saved.").format(
                reason=record["chain_reason"]
            ),
            ExitCode.VERIFICATION_FAILED,
        )
    credential_id = wallet.add_credential(record)
    wallet.record_event({"event": "received", "issuer": record["issuer_name"], "credential": credential_id})
    if chain_check(record) is ChainCheck.VALID:
        ctx.say(
            _("Saved credential {id} from {issuer}. It is accredited and valid.").format(
                id=credential_id, issuer=record["issuer_name"]
            )
        )
    else:
        ctx.say(
            _(
                "Saved credential {id} from {issuer}. It could not be checked against the registry "
                "right now (no connection to the chain). You can already use it: the officer's device "
                "checks it. The wallet checks it again the next time you list or show your credentials."
            ).format(id=credential_id, issuer=record["issuer_name"])
        )


def _configuration(metadata: dict[str, Any], configuration: str) -> dict[str, Any]:
    """The display metadata of the configuration offered; whatever is not of the expected shape is
    left out (display names are a courtesy of the issuer, never a reason to fail)."""
    supported = metadata.get("credential_configurations_supported")
    found = supported.get(configuration) if isinstance(supported, dict) else None
    credential_metadata = found.get("credential_metadata") if isinstance(found, dict) else None
    if not isinstance(credential_metadata, dict):
        return {}
    return {
        "credential_metadata": {
            name: _objects(credential_metadata.get(name)) for name in ("display", "claims")
        }
    }


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _issued_credential(body: dict[str, Any]) -> str:
    """The one credential of a Credential Response (OpenID4VCI 1.0 section 8.3)."""
    credentials = body.get("credentials")
    first = credentials[0] if isinstance(credentials, list) and credentials else None
    compact = first.get("credential") if isinstance(first, dict) else None
    if not isinstance(compact, str):
        raise _not_understood()
    return compact


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise _not_understood()
    return value


def _interval(value: Any) -> float:
    """The wait the issuer asks for before asking again, between 0.1 and 5 seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return 5.0
    return min(max(float(value), 0.1), 5.0)


def _not_understood() -> WalletError:
    return WalletError(_("The issuer sent an answer that is not understood."), ExitCode.ERROR)


def _json(response: Any) -> dict[str, Any]:
    try:
        value = response.json()
    except ValueError:
        raise _not_understood() from None
    return value if isinstance(value, dict) else {}
