"""A batch's members as the pipeline reads and marks them: the rows, the two bulk updates (executemany
in one C call per batch, built once; see issuer/statements.py), and a member's prepared credential."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import bindparam, update

from issuer.models import Credential
from nansen.credential.issuance import PreparedCredential
from nansen.sdjwt.disclosures import parse_disclosure
from nansen.sdjwt.issuance import PreparedSdJwt


class Member(NamedTuple):
    id: str
    leaf: str
    state: str
    pending_payload: dict[str, Any] | None


MEMBER_COLUMNS = (Credential.id, Credential.leaf, Credential.state, Credential.pending_payload)
MARK_BATCHED = (
    update(Credential)
    .where(Credential.id == bindparam("id_"))
    .values(state="batched", batch_id=bindparam("batch_id_"), batch_position=bindparam("position_"))
)
MARK_READY = (  # the signed credential holds the claims now
    update(Credential)
    .where(Credential.id == bindparam("id_"))
    .values(state="ready", issued=bindparam("issued_"), pending_payload=None)
)


def prepared(credential: Member) -> PreparedCredential:
    payload: dict[str, Any] = dict(credential.pending_payload or {})
    disclosures = tuple(
        parse_disclosure(encoded, max_bytes=64 * 1024, max_depth=16)
        # sealed under the offer's key, the disclosures are not here (issuer/sealed.py): the body is
        # signed alone and the disclosures joined at delivery; rows queued before sealing carry them
        for encoded in payload.get("disclosures", ())
    )
    return PreparedCredential(
        PreparedSdJwt(dict(payload["body"]), disclosures), bytes.fromhex(credential.leaf)
    )
