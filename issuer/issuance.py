"""The OpenID4VCI pre-authorized flow over the database: offers, tokens, nonces, credential requests
and delivery (after which the person's claims are deleted)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from issuer import audit
from issuer.credential_types import CredentialType
from issuer.keys import SigningKey
from issuer.models import AccessToken, Credential, Nonce, Offer
from issuer.settings import IssuerSettings
from issuer.tokens import matches, new_token, new_tx_code, sha256_hex
from nansen.credential.issuance import prepare_credential
from nansen.crypto.keys import PublicKey
from nansen.openid4vci.errors import IssuanceProtocolError, invalid_grant, invalid_request
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

    @property
    def credential_issuer(self) -> str:
        return self.settings.public_url.rstrip("/")

    # -- staff side ----------------------------------------------------------------------------
    def create_offer(
        self, session: Session, *, staff_id: int, credential_type: str, claims: dict[str, Any]
    ) -> tuple[Offer, CredentialOffer, str]:
        code, tx_code = new_token(), new_tx_code(TX_CODE_LENGTH)
        now = time.time()
        offer = Offer(
            id=secrets.token_urlsafe(16),
            code_sha256=sha256_hex(code),
            tx_code_sha256=sha256_hex(tx_code),
            tx_code_failures=0,
            credential_type=credential_type,
            claims=claims,
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
    def redeem(self, session: Session, *, code: str, tx_code: str | None) -> tuple[str, int]:
        offer = session.scalar(select(Offer).where(Offer.code_sha256 == sha256_hex(code)).with_for_update())
        if offer is None or offer.state != "offered":
            raise invalid_grant("The pre-authorized code is unknown, already used or no longer valid.")
        if offer.expires_at < time.time():
            offer.state = "dead"
            raise invalid_grant("The pre-authorized code has expired. Ask the NGO for a new offer.")
        if not tx_code or not matches(tx_code, offer.tx_code_sha256):
            offer.tx_code_failures += 1
            if offer.tx_code_failures >= self.settings.tx_code_attempts:
                offer.state = "dead"
                audit.record(session, staff_id=None, action="offer_locked", detail="too many wrong tx_codes")
            session.commit()  # count the failure even though the request fails
            raise invalid_grant("The transaction code is wrong.")
        offer.state = "redeemed"
        token = new_token()
        session.add(
            AccessToken(
                token_sha256=sha256_hex(token),
                offer_id=offer.id,
                expires_at=time.time() + self.settings.access_token_ttl_seconds,
            )
        )
        return token, self.settings.access_token_ttl_seconds

    def new_nonce(self, session: Session) -> str:
        now = time.time()
        session.execute(delete(Nonce).where(Nonce.expires_at < now))
        nonce = secrets.token_urlsafe(24)
        session.add(Nonce(value=nonce, expires_at=now + self.settings.nonce_ttl_seconds))
        return nonce

    def _consume_nonce(self, session: Session, nonce: str) -> bool:
        result = session.execute(delete(Nonce).where(Nonce.value == nonce, Nonce.expires_at >= time.time()))
        return bool(getattr(result, "rowcount", 0) == 1)

    def offer_for_token(self, session: Session, access_token: str) -> Offer:
        row = session.get(AccessToken, sha256_hex(access_token))
        if row is None or row.expires_at < time.time():
            raise IssuanceProtocolError(
                "invalid_token", "The access token is unknown or expired.", status=401
            )
        offer = session.get(Offer, row.offer_id)
        assert offer is not None
        return offer

    def request_credential(
        self, session: Session, *, access_token: str, configuration_id: Any, proofs: Any
    ) -> Credential:
        offer = self.offer_for_token(session, access_token)
        if configuration_id != offer.credential_type:
            raise IssuanceProtocolError(
                "invalid_credential_request", "This access token is for another credential configuration."
            )
        existing = session.scalar(select(Credential).where(Credential.offer_id == offer.id))
        if existing is not None:
            raise IssuanceProtocolError(
                "invalid_credential_request", "This credential was already requested."
            )
        jwt_proofs = proofs.get("jwt") if isinstance(proofs, dict) else None
        if not isinstance(jwt_proofs, list) or len(jwt_proofs) != 1:
            raise IssuanceProtocolError("invalid_proof", "Send exactly one key proof as proofs.jwt.")
        holder_key = verify_proof_jwt(
            jwt_proofs[0],
            expected_audience=self.credential_issuer,
            now=int(time.time()),
            consume_nonce=lambda nonce: self._consume_nonce(session, nonce),
        )
        return self._enqueue(session, offer, holder_key)

    def _enqueue(self, session: Session, offer: Offer, holder_key: PublicKey) -> Credential:
        kind = self.types[offer.credential_type]
        now = int(time.time())
        if offer.claims is None:
            raise invalid_request("The claims of this offer are no longer held.")
        for _attempt in range(8):
            index = secrets.randbelow(self.settings.status_list_size)  # random, never reused (unique)
            prepared = prepare_credential(
                issuer_id=self.settings.issuer_id,
                vct=kind.vct,
                claims=offer.claims,
                disclosable=kind.disclosable_present(offer.claims),
                holder_key=holder_key,
                issued_at=now,
                expires_at=now + self.settings.credential_lifetime_days * 86_400,
                status_index=index,
            )
            credential = Credential(
                id=secrets.token_urlsafe(16),
                offer_id=offer.id,
                credential_type=offer.credential_type,
                status_index=index,
                status="valid",
                state="queued",
                leaf=prepared.leaf.hex(),
                transaction_id=secrets.token_urlsafe(24),
                pending_payload={
                    "body": prepared.prepared.body,
                    "disclosures": [d.encoded for d in prepared.prepared.disclosures],
                },
                created_at=time.time(),
            )
            try:
                with session.begin_nested():
                    session.add(credential)
                return credential
            except IntegrityError:
                continue  # that status index was taken meanwhile: draw again
        raise invalid_request("Could not allocate a status list index; try again.")

    def deliver(self, session: Session, credential: Credential) -> str | None:
        """The signed credential if ready; marks it delivered and deletes the personal claims."""
        if credential.state not in ("ready", "delivered") or credential.issued is None:
            return None
        compact = credential.issued
        if credential.state == "ready":
            credential.state = "delivered"
            credential.delivered_at = time.time()
            audit.record(session, staff_id=None, action="credential_delivered", credential_id=credential.id)
        if self.settings.retention_seconds == 0:
            credential.issued = None
            offer = session.get(Offer, credential.offer_id)
            if offer is not None:
                offer.claims = None
        return compact
