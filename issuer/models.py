"""Database tables. Personal data lives only in offers.claims and credentials.sealed_disclosures,
sealed under a key the database does not hold (issuer/sealed.py), and is deleted once nothing can
redeem it any more (retention configurable, default none)."""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # admin | officer
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[float] = mapped_column(Float)
    sessions_valid_after: Mapped[float] = mapped_column(Float, default=0.0)  # sign out everywhere
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)  # console language


class Offer(Base):
    __tablename__ = "offers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    tx_code_sha256: Mapped[str] = mapped_column(String(64))
    tx_code_failures: Mapped[int] = mapped_column(Integer, default=0)
    credential_type: Mapped[str] = mapped_column(String(100))
    claims: Mapped[dict[str, object] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )  # personal
    state: Mapped[str] = mapped_column(String(20))  # offered | redeemed | dead
    # when the access token minted at redemption expires: then nothing can redeem the offer any more
    token_expires_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    # the claims' key (issuer/sealed.py), stored only while a retention period above zero keeps them
    retained_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)


class Batch(Base):
    __tablename__ = "batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    root: Mapped[str] = mapped_column(String(64), unique=True)  # hex
    count: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))  # sending | confirmed
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    confirmed_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class Credential(Base):
    __tablename__ = "credentials"
    __table_args__ = (UniqueConstraint("status_index"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    offer_id: Mapped[str] = mapped_column(ForeignKey("offers.id"), unique=True)
    credential_type: Mapped[str] = mapped_column(String(100))
    status_index: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="valid")  # valid | revoked | suspended
    state: Mapped[str] = mapped_column(String(20))  # queued | batched | ready | delivered
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"), nullable=True)
    batch_position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    leaf: Mapped[str] = mapped_column(String(64))  # hex, not personal
    transaction_id: Mapped[str] = mapped_column(String(64), unique=True)
    proof_nonce: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)  # sha-256 hex
    pending_payload: Mapped[dict[str, object] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )  # personal
    issued: Mapped[str | None] = mapped_column(Text, nullable=True)  # the signed JWT, no disclosures
    # the disclosures (personal), sealed under the offer's key (issuer/sealed.py)
    sealed_disclosures: Mapped[str | None] = mapped_column(Text, nullable=True)
    # RFC 7638 thumbprint (hex) of the key the credential is bound to: a retry proving it gets it again
    holder_thumbprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    delivered_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class StatusChange(Base):
    __tablename__ = "status_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credential_id: Mapped[str] = mapped_column(ForeignKey("credentials.id"))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(50))
    state: Mapped[str] = mapped_column(String(20))  # queued | done
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[float] = mapped_column(Float)
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(50))
    credential_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[str] = mapped_column(String(200), default="")  # codes only, never personal data
