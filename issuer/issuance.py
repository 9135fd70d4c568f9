"""The OpenID4VCI pre-authorized flow over the database: offers, tokens, nonces, credential requests
and delivery. The person's claims are stored sealed under the offer's key, which only the wallet's
code and access token carry (issuer/sealed.py)."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, update
from sqlalchemy.orm import Session

from issuer import audit
from issuer import statements as sql
from issuer.credential_request import (
    ALREADY_REQUESTED,
    SPENT_NONCE,
    CheckedProof,
    Prepared,
    check_key_proof,
    pending_payload,
    thumbprint,
)
from issuer.credential_types import CredentialType
from issuer.keys import SigningKey
from issuer.models import Offer
from issuer.sealed import NOT_HELD, Grant, offer_key, open_claims, seal, sealed_claims, unseal
from issuer.settings import IssuerSettings
from issuer.signed_tokens import ACCESS_TOKEN, TokenMinter
from issuer.tokens import matches, new_token, new_tx_code, sha256_hex
from nansen.credential.issuance import prepare_credential
from nansen.crypto.b64 import b64url_encode
from nansen.crypto.keys import PublicKey
from nansen.openid4vci.errors import (
    IssuanceProtocolError,
    bearer_refused,
    invalid_grant,
    invalid_nonce,
    invalid_proof,
    invalid_request,
)
from nansen.openid4vci.offer import CredentialOffer
from nansen.openid4vci.proof import verify_proof_jwt

TX_CODE_LENGTH = 6


class IssuanceFlow:
    def __init__(
        self, settings: IssuerSettings, types: dict[str, CredentialType], signing_key: SigningKey
    ) -> None:
        self.settings = settings
        self.types = types
        self.signing_key = signing_key
        self.tokens = TokenMinter.from_signing_key(signing_key.key)
        self.verify_proof = verify_proof_jwt

    @property
    def credential_issuer(self) -> str:
        return self.settings.public_url.rstrip("/")

    # -- staff side ----------------------------------------------------------------------------
    def create_offer(
        self, session: Session, *, staff_id: int, credential_type: str, claims: dict[str, Any]
    ) -> tuple[Offer, CredentialOffer, str]:
        code, tx_code = new_token(), new_tx_code(TX_CODE_LENGTH)
        now = time.time()
        offer_id = secrets.token_urlsafe(16)
        offer = Offer(
            id=offer_id,
            code_sha256=sha256_hex(code),
            tx_code_sha256=sha256_hex(tx_code),
            tx_code_failures=0,
            credential_type=credential_type,
            claims=sealed_claims(offer_key(code, offer_id), claims, offer_id=offer_id),
            state="offered",
            created_by=staff_id,
            created_at=now,
            expires_at=now + self.settings.offer_ttl_seconds,
        )
        session.add(offer)
        audit.record(session, staff_id=staff_id, action="offer_created", detail=f"type={credential_type}")
        message = CredentialOffer(
            credential_issuer=self.credential_issuer,
            credential_configuration_ids=(credential_type,),
            pre_authorized_code=code,
            tx_code_length=TX_CODE_LENGTH,
            tx_code_description="The code the registration officer tells you",
        )
        return offer, message, tx_code

    # -- wallet side -----------------------------------------------------------------------------
    def redeem(
        self, db: Connection, *, code: str, tx_code: str | None, jkt: str | None = None
    ) -> tuple[str, int]:
        """Pre-authorized code + tx_code -> an access token for that one offer, bound to the DPoP
        key with thumbprint ``jkt`` if there is one (issuer.dpop).

        Its refusals keep what they wrote (issuer/wallet_db.py): an expired offer stays dead and a
        wrong tx_code counts though the request fails."""
        offer = db.execute(sql.OFFER_BY_CODE, {"code_sha256_": sha256_hex(code)}).one_or_none()
        if offer is None or offer.state != "offered":
            raise invalid_grant("The pre-authorized code is unknown, already used or no longer valid.")
        if offer.expires_at < time.time():
            db.execute(update(Offer).where(Offer.id == offer.id).values(state="dead"))
            raise invalid_grant("The pre-authorized code has expired. Ask the NGO for a new offer.")
        if not tx_code:  # OpenID4VCI 1.0 §6.3: invalid_request, and not a wrong attempt
            raise invalid_request("tx_code is missing: send the code the registration officer gave you.")
        if not matches(tx_code, offer.tx_code_sha256):
            self._count_wrong_tx_code(db, offer.id)
            raise invalid_grant("The transaction code is wrong.")
        ttl = self.settings.access_token_ttl_seconds
        # a second late: the token's own expiry is rounded down to the second
        until = time.time() + ttl + 1
        redeemed = db.execute(sql.REDEEM_OFFER, {"offer_id_": offer.id, "token_expires_at_": until})
        if sql.rowcount(redeemed) != 1:  # a concurrent request redeemed it first
            raise invalid_grant("The pre-authorized code is unknown, already used or no longer valid.")
        grant = Grant(offer.id, offer_key(code, offer.id), jkt)
        return self.tokens.mint(ACCESS_TOKEN, grant.subject(), ttl), ttl

    def _count_wrong_tx_code(self, db: Connection, offer_id: str) -> None:
        db.execute(
            update(Offer).where(Offer.id == offer_id).values(tx_code_failures=Offer.tx_code_failures + 1)
        )
        locked = db.execute(
            update(Offer)
            .where(
                Offer.id == offer_id,
                Offer.state == "offered",
                Offer.tx_code_failures >= self.settings.tx_code_attempts,
            )
            .values(state="dead")
        )
        if sql.rowcount(locked):
            audit.record(db, staff_id=None, action="offer_locked", detail="too many wrong tx_codes")

    def new_nonce(self) -> str:
        return self.tokens.new_nonce(self.settings.nonce_ttl_seconds)

    def grant(self, access_token: str, jkt: str | None = None) -> Grant | None:
        """What a genuine, unexpired access token grants, if presented as it was bound: with a
        proof of its DPoP key, or as a bearer token where the deployment allows those."""
        grant = Grant.parse(self.tokens.open(ACCESS_TOKEN, access_token))
        if grant is None:
            return None
        if grant.jkt != jkt:
            raise IssuanceProtocolError(
                "invalid_token",
                "This access token is bound to a DPoP key: send it as DPoP with a proof of that key."
                if grant.jkt
                else "This access token is a bearer token: send it as Bearer.",
                status=401,
            )
        if jkt is None and not self.settings.allow_bearer_tokens:
            raise bearer_refused()
        return grant

    def offer_for_token(self, db: Connection, access_token: str, jkt: str | None = None) -> tuple[Any, Grant]:
        grant = self.grant(access_token, jkt)
        offer = None
        if grant is not None:
            offer = db.execute(sql.OFFER_FOR_CREDENTIAL, {"offer_id_": grant.offer_id}).one_or_none()
        if offer is None or grant is None:
            raise IssuanceProtocolError(
                "invalid_token", "The access token is unknown or expired.", status=401
            )
        return offer, grant

    def check_proof(self, proofs: Any, *, access_token: str, jkt: str | None = None) -> CheckedProof:
        """The key proof's checks that need no database, made before the request's transaction
        (issuer/credential_request.py). Behind a forged or expired access token, which the transaction
        refuses first, no signature is checked: such requests stay cheap to refuse."""
        if self.grant(access_token, jkt) is None:
            return CheckedProof(refusal=invalid_proof("not checked: the access token is not genuine"))
        return check_key_proof(
            proofs, tokens=self.tokens, audience=self.credential_issuer, verify=self.verify_proof
        )

    def prepare(
        self, reader: Connection, *, access_token: str, proof: CheckedProof, jkt: str | None = None
    ) -> Prepared | None:
        """The credential this request will most likely queue, prepared outside the write lock from a
        plain read; None where it will not be (the transaction refuses or prepares it itself)."""
        grant = self.grant(access_token, jkt)
        if grant is None or proof.holder_key is None:
            return None
        offer = reader.execute(sql.OFFER_FOR_CREDENTIAL, {"offer_id_": grant.offer_id}).one_or_none()
        if offer is None or offer.claims is None:
            return None
        return self._prepare(offer, proof.holder_key, grant.key)

    def request_credential(
        self,
        db: Connection,
        *,
        access_token: str,
        configuration_id: Any,
        proof: CheckedProof,
        prepared: Prepared | None = None,
        jkt: str | None = None,
    ) -> Enqueued:
        """Checks the request, then its key proof (checked before, see ``check_proof``), and queues the
        credential for anchoring. Asked again with the same access token and a proof of the same key
        (the wallet's answer was lost: a worker died, the network broke), it answers as the first time
        did: the credential, or its deferred transaction."""
        offer, grant = self.offer_for_token(db, access_token, jkt)
        if not isinstance(configuration_id, str):
            raise IssuanceProtocolError(
                "invalid_credential_request", "credential_configuration_id is missing."
            )
        if configuration_id not in self.types:  # OpenID4VCI 1.0 §8.3.1.2
            raise IssuanceProtocolError(
                "unknown_credential_configuration", "This issuer has no such credential configuration."
            )
        if configuration_id != offer.credential_type:
            raise IssuanceProtocolError(
                "invalid_credential_request", "This access token is for another credential configuration."
            )
        earlier = db.execute(sql.CREDENTIAL_OF_OFFER, {"offer_id_": offer.id}).one_or_none()
        if earlier is not None and earlier.holder_thumbprint is None:  # requested before retries existed
            raise IssuanceProtocolError("invalid_credential_request", ALREADY_REQUESTED)
        if proof.refusal is not None:
            raise proof.refusal
        assert proof.holder_key is not None and proof.nonce_sha256 is not None
        spent = db.execute(sql.CREDENTIAL_OF_NONCE, {"nonce_sha256_": proof.nonce_sha256}).first()
        if earlier is not None:
            if earlier.holder_thumbprint != thumbprint(proof.holder_key):
                raise IssuanceProtocolError("invalid_credential_request", ALREADY_REQUESTED)
            if spent is not None and spent.id != earlier.id:
                raise invalid_nonce(SPENT_NONCE)
            return Enqueued(earlier.id, earlier.transaction_id, grant.key)
        if spent is not None:
            raise invalid_nonce(SPENT_NONCE)
        return self._enqueue(db, offer, proof.holder_key, proof.nonce_sha256, grant.key, prepared)

    def _prepare(self, offer: Any, holder_key: PublicKey, key: bytes | None) -> Prepared:
        kind = self.types[offer.credential_type]
        claims = open_claims(key, offer.claims, offer_id=offer.id)
        now = int(time.time())
        index = secrets.randbelow(self.settings.status_list_size)  # random, never reused (unique)
        credential = prepare_credential(
            issuer_id=self.settings.issuer_id,
            vct=kind.vct,
            vct_integrity=kind.vct_integrity,
            claims=claims,
            disclosable=kind.disclosable_present(claims),
            holder_key=holder_key,
            issued_at=now,
            expires_at=now + self.settings.credential_lifetime_days * 86_400,
            status_index=index,
        )
        return Prepared(offer.id, offer.claims, holder_key, index, credential)

    def _enqueue(
        self,
        db: Connection,
        offer: Any,
        holder_key: PublicKey,
        nonce_sha256: str,
        key: bytes | None,
        prepared: Prepared | None = None,
    ) -> Enqueued:
        if offer.claims is None:
            raise invalid_request(NOT_HELD)
        if prepared is not None and not prepared.fits(offer, holder_key):
            prepared = None
        for _attempt in range(8):
            prepared = prepared or self._prepare(offer, holder_key, key)
            queued = Enqueued(secrets.token_urlsafe(16), secrets.token_urlsafe(24), key)
            disclosures = [d.encoded for d in prepared.credential.prepared.disclosures]
            inserted = db.execute(
                sql.INSERT_CREDENTIAL[db.dialect.name],
                dict(
                    id=queued.id,
                    offer_id=offer.id,
                    credential_type=offer.credential_type,
                    status_index=prepared.status_index,
                    status="valid",
                    state="queued",
                    leaf=prepared.credential.leaf.hex(),
                    transaction_id=queued.transaction_id,
                    proof_nonce=nonce_sha256,
                    # the body holds digests, not claims: the pipeline signs it without the key
                    pending_payload=pending_payload(prepared.credential.prepared.body, key, disclosures),
                    sealed_disclosures=None if key is None else seal(key, disclosures, context=offer.id),
                    holder_thumbprint=thumbprint(holder_key),
                    created_at=time.time(),
                    batch_id=None,
                    batch_position=None,
                    issued=None,
                    delivered_at=None,
                ),
            )
            if inserted.first() is not None:
                return queued
            self._refuse_duplicate(db, offer.id, nonce_sha256)  # else that status index was taken: draw again
            prepared = None
        raise invalid_request("Could not allocate a status list index; try again.")

    @staticmethod
    def _refuse_duplicate(db: Connection, offer_id: str, nonce_sha256: str) -> None:
        """After an insert that clashed: a concurrent request won with the same nonce or offer?"""
        if db.execute(sql.CREDENTIAL_OF_NONCE, {"nonce_sha256_": nonce_sha256}).first() is not None:
            raise IssuanceProtocolError("invalid_nonce", "This c_nonce was already used; get a fresh one.")
        if db.execute(sql.CREDENTIAL_OF_OFFER, {"offer_id_": offer_id}).first() is not None:
            raise IssuanceProtocolError("invalid_credential_request", ALREADY_REQUESTED)

    def deliver_deferred(
        self, db: Connection, *, access_token: str, transaction_id: str, jkt: str | None = None
    ) -> str | None:
        """The credential behind a deferred transaction of this access token, if ready (see deliver)."""
        offer, grant = self.offer_for_token(db, access_token, jkt)
        found = db.execute(sql.CREDENTIAL_BY_TRANSACTION, {"transaction_id_": transaction_id}).one_or_none()
        if found is None or found.offer_id != offer.id:
            raise IssuanceProtocolError("invalid_transaction_id", "This transaction id is unknown.")
        compact = self.deliver(db, found.id, key=grant.key)
        if compact is None and self._delivered_and_forgotten(db, found.id):
            # OpenID4VCI 1.0 §9.3: the credential was delivered and the issuer no longer holds it
            # (RETENTION_SECONDS), so this id will never answer again; while it is held, a wallet
            # whose first 200 was lost gets it again (above)
            raise IssuanceProtocolError(
                "invalid_transaction_id",
                "This credential was already delivered and is no longer held by the issuer.",
            )
        return compact

    @staticmethod
    def _delivered_and_forgotten(db: Connection, credential_id: str) -> bool:
        row = db.execute(sql.CREDENTIAL_FOR_DELIVERY, {"credential_id_": credential_id}).one_or_none()
        return row is not None and row.state == "delivered" and row.issued is None

    def deliver(self, db: Connection, credential_id: str, *, key: bytes | None) -> str | None:
        """The signed credential if ready, its disclosures opened with the offer's ``key``; marks it
        delivered. The sealed credential stays until the access token expires, so a wallet whose
        answer was lost can ask again (issuer.retention deletes it then); the claims go now."""
        row = db.execute(sql.CREDENTIAL_FOR_DELIVERY, {"credential_id_": credential_id}).one_or_none()
        if row is None or row.state not in ("ready", "delivered") or row.issued is None:
            return None
        compact = str(row.issued)
        if row.sealed_disclosures is not None:
            if key is None:
                raise invalid_request(NOT_HELD)
            disclosures = unseal(key, row.sealed_disclosures, context=row.offer_id)
            compact += "".join(f"{disclosure}~" for disclosure in disclosures)
        if row.state == "ready":
            first = db.execute(sql.MARK_DELIVERED, {"credential_id_": credential_id, "at_": time.time()})
            if sql.rowcount(first):
                audit.record(db, staff_id=None, action="credential_delivered", credential_id=credential_id)
                if self.settings.retention_seconds and key is not None:  # the operator keeps the claims
                    db.execute(sql.RETAIN_KEY, {"offer_id_": row.offer_id, "key_": b64url_encode(key)})
        if self.settings.retention_seconds == 0:
            db.execute(sql.FORGET_CLAIMS, {"offer_id_": row.offer_id})
            if row.sealed_disclosures is None:  # stored before sealing existed: readable, so it goes now
                db.execute(sql.FORGET_ISSUED, {"credential_id_": credential_id})
        return compact


@dataclass(frozen=True, slots=True)
class Enqueued:
    id: str
    transaction_id: str
    key: bytes | None  # the offer's sealing key, from the access token (issuer/sealed.py)
