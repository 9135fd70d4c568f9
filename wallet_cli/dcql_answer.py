"""Answering a verifier's DCQL query (OpenID4VP 1.0 section 6): which of the holder's credentials,
which claims of each, what the holder is shown before consenting, and the presentations.

Every credential query a required credential set needs is answered, or none is (a QueryUnsatisfied
refusal names each query that cannot be met and why, in the holder's language); optional sets are
offered separately and sent only when the holder agrees. Credentials known to be refused (revoked,
suspended, expired) are treated as absent, and the reason is part of the explanation. Selective
disclosure reveals exactly the selected claims: the concrete paths the query selects (array
elements included), with what lies below them.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Sequence
from typing import Any

from nansen.openid4vp.dcql_match import CredentialMatch, HeldCredential, Plan, QueryAnswer, plan
from nansen.openid4vp.dcql_paths import path_text
from nansen.openid4vp.dcql_trust import TrustMatch
from nansen.openid4vp.errors import Miss, QueryUnsatisfiableError
from nansen.openid4vp.request import PresentationRequest
from nansen.openid4vp.transaction_data import TransactionData, kb_claims
from wallet_cli.commands.manage import type_name
from wallet_cli.credential_choice import unusable_reason
from wallet_cli.credential_instances import copies_left, copy_to_present, marked_shown
from wallet_cli.credential_record import ChainCheck, chain_check, with_content
from wallet_cli.display_metadata import claim_for_consent
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _, language
from wallet_cli.store.wallet import StoredCredential, Wallet


def _x5c(compact: str) -> tuple[bytes, ...]:
    from nansen.crypto.jws import parse_compact
    from nansen.errors import NansenError

    try:
        chain = parse_compact(compact.split("~", 1)[0]).header.get("x5c")
        if not isinstance(chain, list):
            return ()
        return tuple(base64.b64decode(c, validate=True) for c in chain if isinstance(c, str))
    except (NansenError, ValueError):
        return ()


def held_credentials(
    stored: Sequence[StoredCredential], *, now: float, prefer: str | None
) -> list[HeldCredential]:
    """The wallet's credentials as the matcher sees them, in the holder's order of preference:
    ``prefer`` first, then checked before unchecked, then the newest."""
    held = []
    for item in stored:
        record = with_content(item.record)
        claims = record.get("claims")
        held.append(
            (
                (item.id == prefer, chain_check(record) is ChainCheck.VALID, record.get("received_at") or 0),
                HeldCredential(
                    id=item.id,
                    vct=str(record.get("vct") or ""),
                    claims=claims if isinstance(claims, dict) else {},
                    x5c_der=_x5c(str(record.get("compact", ""))),
                    unusable=unusable_reason(record, now=now) or "",
                ),
            )
        )
    held.sort(key=lambda pair: pair[0], reverse=True)
    return [credential for _key, credential in held]


def answer_plan(wallet: Wallet, request: PresentationRequest, *, prefer: str | None) -> Plan:
    """What to present; a WalletError naming each query that cannot be met, and why, otherwise."""
    stored, _damaged = wallet.credentials()
    if prefer and all(item.id != prefer for item in stored):
        raise WalletError(
            _("There is no credential {id}. See your credentials with: nansen-wallet list").format(id=prefer),
            ExitCode.NOT_FOUND,
        )
    try:
        return plan(request.dcql_query, held_credentials(stored, now=time.time(), prefer=prefer))
    except QueryUnsatisfiableError as exc:
        raise _unsatisfied(exc, request) from None


def _unsatisfied(exc: QueryUnsatisfiableError, request: PresentationRequest) -> WalletError:
    lines = [_("Nothing was shared: the verifier asks for something your wallet cannot give.")]
    only_unusable = True
    for query_id in exc.query_ids:
        misses = [m for m in exc.reasons[query_id] if m.code not in ("type", "format")]
        query = request.dcql_query.by_id(query_id)
        kinds = ", ".join(query.vct_values or (query.format,)) if query else query_id
        if not misses:
            only_unusable = False
            lines.append(
                _("- {query}: you have no credential of this kind ({kinds}).").format(
                    query=query_id, kinds=kinds
                )
            )
        for miss in misses:
            only_unusable = only_unusable and miss.code == "unusable"
            lines.append(_("- {query}: {why}").format(query=query_id, why=_miss_text(miss)))
    code = ExitCode.VERIFICATION_FAILED if only_unusable else ExitCode.NOT_FOUND
    return WalletError("\n".join(lines), code)


def _miss_text(miss: Miss) -> str:
    claim = path_text(miss.path)
    texts = {
        "unusable": _("your credential {id} cannot be used: {reason}"),
        "claim_missing": _("your credential {id} does not have: {claim}"),
        "value_mismatch": _("in your credential {id}, {claim} is not one of the values the verifier accepts"),
        "untrusted_issuer": _("the issuer of your credential {id} is not one the verifier trusts"),
        "holder_binding": _("your credential {id} is not bound to your wallet's key"),
    }
    text = texts.get(miss.code, _("your credential {id} does not fit the request"))
    return text.format(id=miss.credential_id, claim=claim, reason=miss.detail)


def consent_lines(wallet: Wallet, answers: Sequence[QueryAnswer]) -> list[str]:
    """One line per credential that would leave the wallet, naming each claim disclosed."""
    stored = {item.id: item.record for item in wallet.credentials()[0]}
    lines = []
    for answer in answers:
        for match in answer.matches:
            record = stored.get(match.credential.id, {})
            claims = ", ".join(claim_for_consent(record, p, language()) for p in match.disclose)
            lines.append(
                _("  {kind} ({id}): {claims}").format(
                    kind=type_name(record), id=match.credential.id, claims=claims or _("no personal details")
                )
            )
            if copies_left(record) == 0:
                lines.append(
                    _(
                        "Every copy of this credential has been shown before: this verifier could link it to "
                        "an earlier one. Ask the organisation that issued it for new copies."
                    )
                )
            if match.trust is TrustMatch.UNKNOWN:
                lines.append(
                    _(
                        "    The verifier trusts only some issuers, in a way this wallet cannot check; "
                        "it may refuse this credential."
                    )
                )
    return lines


def _bindings(
    answers: Sequence[QueryAnswer], entries: Sequence[TransactionData]
) -> dict[str, list[TransactionData]]:
    """Which answered query's presentation binds each transaction data entry (the first of its
    credential_ids that is answered: section 5.1, only one of them is used)."""
    answered = [a.query.id for a in answers if a.matches]
    out: dict[str, list[TransactionData]] = {}
    for entry in entries:
        chosen = next((i for i in entry.credential_ids if i in answered), None)
        if chosen is None:
            raise WalletError(
                _(
                    "The verifier's request cannot be answered: a statement it asks you to accept "
                    "refers to a credential it does not ask for."
                ),
                ExitCode.USAGE,
            )
        out.setdefault(chosen, []).append(entry)
    return out


def presentations(
    wallet: Wallet, answers: Sequence[QueryAnswer], request: PresentationRequest
) -> dict[str, list[str]]:
    """The vp_token's content: per query id, one presentation per chosen credential."""
    bindings = _bindings(answers, request.transaction_data)
    out: dict[str, list[str]] = {}
    for answer in answers:
        bound = bindings.get(answer.query.id, [])
        out[answer.query.id] = [
            _present(wallet, match, request, bound if i == 0 else [])
            for i, match in enumerate(answer.matches)
        ]
    return out


def _present(
    wallet: Wallet, match: CredentialMatch, request: PresentationRequest, bound: Sequence[TransactionData]
) -> str:
    from nansen.crypto.keys import private_key_from_jwk
    from nansen.errors import NansenError
    from nansen.sdjwt.presentation import create_presentation

    record: dict[str, Any] = next(
        (item.record for item in wallet.credentials()[0] if item.id == match.credential.id), {}
    )
    copy = copy_to_present(record, wallet.holder_jwk)  # batch: a copy not shown before
    try:
        presentation = create_presentation(
            issued=copy.compact,
            disclose=match.disclose,
            holder_key=private_key_from_jwk(copy.holder_jwk),
            aud=request.audience,
            nonce=request.nonce,
            iat=int(time.time()),
            kb_claims=kb_claims(bound),
        )
    except NansenError as exc:
        raise WalletError(
            _("Credential {id} cannot be presented: {reason}").format(
                id=match.credential.id, reason=exc.user_message
            ),
            ExitCode.DAMAGED,
        ) from None
    # the copy counts as shown at once, even if the verifier then cannot be reached
    updated = marked_shown(record, copy, now=int(time.time()))
    if updated is not None:
        wallet.replace_credential(match.credential.id, updated)
    return presentation
