"""The wallet-facing hot path's SQL, built once.

Building a SQLAlchemy statement (coercing every column and comparison, computing its cache key)
costs several times more than SQLite takes to run it; these are built at import and executed with
bound parameters on a Core connection (see issuer/wallet_db.py).
Parameter names end in ``_`` where a column of the same name is being set.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from issuer.models import Credential, Offer

OFFER_BY_CODE = select(Offer.id, Offer.state, Offer.expires_at, Offer.tx_code_sha256).where(
    Offer.code_sha256 == bindparam("code_sha256_")
)
REDEEM_OFFER = (
    update(Offer)
    .where(Offer.id == bindparam("offer_id_"), Offer.state == "offered")
    .values(state="redeemed", token_expires_at=bindparam("token_expires_at_"))
)
OFFER_FOR_CREDENTIAL = select(Offer.id, Offer.credential_type, Offer.claims).where(
    Offer.id == bindparam("offer_id_")
)
CREDENTIAL_OF_OFFER = select(Credential.id, Credential.transaction_id, Credential.holder_thumbprint).where(
    Credential.offer_id == bindparam("offer_id_")
)
CREDENTIAL_OF_NONCE = select(Credential.id).where(Credential.proof_nonce == bindparam("nonce_sha256_"))
# a clash on a unique column (status index, nonce, offer) inserts and returns nothing rather than
# failing the transaction, which on SQLite holds other wallets' work too (issuer/wallet_db.py);
# RETURNING, because psycopg reports no rowcount for it
INSERT_CREDENTIAL = {
    "sqlite": sqlite.insert(Credential).on_conflict_do_nothing().returning(Credential.id),
    "postgresql": postgresql.insert(Credential).on_conflict_do_nothing().returning(Credential.id),
}
CREDENTIAL_BY_TRANSACTION = select(Credential.id, Credential.offer_id).where(
    Credential.transaction_id == bindparam("transaction_id_")
)
CREDENTIAL_FOR_DELIVERY = select(
    Credential.state, Credential.issued, Credential.sealed_disclosures, Credential.offer_id
).where(Credential.id == bindparam("credential_id_"))
MARK_DELIVERED = (
    update(Credential)
    .where(Credential.id == bindparam("credential_id_"), Credential.state == "ready")
    .values(state="delivered", delivered_at=bindparam("at_"))
)
FORGET_ISSUED = update(Credential).where(Credential.id == bindparam("credential_id_")).values(issued=None)
FORGET_CLAIMS = update(Offer).where(Offer.id == bindparam("offer_id_")).values(claims=None)
RETAIN_KEY = update(Offer).where(Offer.id == bindparam("offer_id_")).values(retained_key=bindparam("key_"))


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE matched (0 where the driver does not say)."""
    return int(getattr(result, "rowcount", 0) or 0)
