"""Checking credentials against the chain registry (no contact with the issuer).

On receipt, and again whenever the holder looks at credentials that could not be checked yet
(`list`, `show`): the chain is asked only when such a credential exists, so an offline wallet with
checked credentials never waits for the network.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from wallet_cli.credential_record import ChainCheck, chain_check, with_check, with_content
from wallet_cli.settings import WalletSettings
from wallet_cli.store.wallet import StoredCredential, Wallet

if TYPE_CHECKING:
    from nansen.credential.verification import CredentialVerifier


def open_verifier(settings: WalletSettings) -> CredentialVerifier | None:
    """A verifier over a freshly synced mirror of the registry, or None when the chain cannot be
    reached right now (node down, no network, deployment not found)."""
    from nansen.chain.connection import connect
    from nansen.chain.deployment import check_deployment, load_deployment
    from nansen.chain.mirror import ChainMirror
    from nansen.credential.verification import CredentialVerifier
    from nansen.errors import NansenError

    try:
        conn = connect(
            settings.rpc_url, expected_chain_id=settings.chain_id, timeout=settings.chain_timeout_seconds
        )
        deployment = load_deployment(settings.deployments_dir, conn.chain_id)
        check_deployment(conn, deployment)
        mirror = ChainMirror(conn, deployment)
        mirror.sync()
    except NansenError:
        return None
    return CredentialVerifier(mirror)


def recheck(
    wallet: Wallet, credentials: list[StoredCredential], settings: WalletSettings
) -> tuple[list[StoredCredential], list[StoredCredential]]:
    """Every credential (content filled in), and those whose check has just concluded.

    Only ``not_checked`` credentials are checked; a concluded check is saved in the wallet.
    """
    shown = [StoredCredential(c.id, with_content(c.record)) for c in credentials]
    pending = [c for c in shown if chain_check(c.record) is ChainCheck.NOT_CHECKED]
    if not pending:
        return shown, []
    verifier = open_verifier(settings)
    if verifier is None:
        return shown, []
    concluded: dict[str, StoredCredential] = {}
    for stored in pending:
        checked = _check_and_save(wallet, verifier, stored)
        if checked is not None:
            concluded[stored.id] = checked
    return [concluded.get(c.id, c) for c in shown], list(concluded.values())


def _check_and_save(
    wallet: Wallet, verifier: CredentialVerifier, stored: StoredCredential
) -> StoredCredential | None:
    """The credential with the registry's verdict, saved in the wallet; None (and nothing saved)
    when the registry could not give one."""
    result = verifier.verify_issued(str(stored.record.get("compact", "")))
    record = with_check(stored.record, result, checked_at=int(time.time()))
    if chain_check(record) is ChainCheck.NOT_CHECKED:
        return None
    wallet.replace_credential(stored.id, record)
    return StoredCredential(stored.id, record)


def check_now(
    wallet: Wallet, credentials: list[StoredCredential], settings: WalletSettings
) -> list[tuple[StoredCredential, bool]] | None:
    """Every credential checked against the registry again, valid ones too (a credential can be
    revoked or its issuer suspended after it was received), each with whether the registry gave a
    verdict; None when the chain cannot be reached. A credential without a verdict keeps its record."""
    verifier = open_verifier(settings)
    if verifier is None:
        return None
    checked: list[tuple[StoredCredential, bool]] = []
    for stored in credentials:
        concluded = _check_and_save(
            wallet, verifier, StoredCredential(stored.id, with_content(stored.record))
        )
        checked.append((stored, False) if concluded is None else (concluded, True))
    return checked
