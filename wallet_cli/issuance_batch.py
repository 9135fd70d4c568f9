"""Batch issuance (OpenID4VCI 1.0 §8.2, ``batch_credential_issuance.batch_size``, §12.2.4): the wallet
asks for several copies of one credential, each bound to its own fresh key (one key proof per key
in ``proofs.jwt``), and shows a different copy to each verifier, so two verifiers cannot tell from
the credential or the key that they saw the same person (unlinkability, §14.6). The copies are
kept as one credential with several instances (wallet_cli.credential_instances).

An answer is refused when it holds no credential, more credentials than keys sent, or a credential
bound to a key the wallet did not send or to one already used by another copy: each of those would
give the holder copies they cannot use, or copies a verifier could link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nansen.crypto.keys import PrivateKey, generate_private_key, jwk_thumbprint, private_key_to_jwk
from nansen.errors import NansenError
from wallet_cli.credential_content import unverified_content
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _

MAX_BATCH = 10  # the EU reference wallet's default; more copies cost the issuer and the disk


@dataclass(frozen=True, slots=True)
class Instance:
    compact: str
    holder_jwk: dict[str, str] | None  # the copy's own private key; None: the wallet's holder key


def batch_size(unverified_metadata: Mapping[str, Any]) -> int:
    """How many copies to ask for: the issuer's batch_size up to MAX_BATCH, else one."""
    batch = unverified_metadata.get("batch_credential_issuance")
    size = batch.get("batch_size") if isinstance(batch, Mapping) else None
    if isinstance(size, bool) or not isinstance(size, int) or size < 2:
        return 1
    return min(size, MAX_BATCH)


def proof_keys(count: int, holder: PrivateKey) -> list[PrivateKey]:
    """The keys to prove: the wallet's holder key for one credential, fresh ones for a batch."""
    return [holder] if count == 1 else [generate_private_key() for _ in range(count)]


def instances(unverified_compacts: Sequence[str], keys: Sequence[PrivateKey]) -> list[Instance]:
    """The copies the issuer sent, each with the key it is bound to; a WalletError otherwise."""
    if not 1 <= len(unverified_compacts) <= len(keys):
        raise WalletError(
            _("The issuer sent {sent} credentials for {keys} keys. Nothing was saved.").format(
                sent=len(unverified_compacts), keys=len(keys)
            ),
            ExitCode.VERIFICATION_FAILED,
        )
    if len(keys) == 1:
        return [Instance(unverified_compacts[0], None)]
    by_thumbprint = {jwk_thumbprint(key.public_key().jwk()): key for key in keys}
    kept: list[Instance] = []
    for compact in unverified_compacts:
        try:
            bound = unverified_content(compact).holder_jwk
            key = by_thumbprint.pop(jwk_thumbprint(bound)) if bound is not None else None
        except (NansenError, KeyError, TypeError, ValueError):
            key = None
        if key is None:
            raise WalletError(
                _(
                    "The issuer sent copies of the credential that are not each bound to one of the "
                    "wallet's new keys. Nothing was saved."
                ),
                ExitCode.VERIFICATION_FAILED,
            )
        kept.append(Instance(compact, private_key_to_jwk(key)))
    return kept
