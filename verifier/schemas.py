"""Request and response bodies, named by role."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ClaimName = str
QueryId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class TransactionStatementCreate(BaseModel):
    """A statement the holder accepts with the presentation, bound into the KB-JWT
    (transaction data type ``urn:nansen:transaction-data:statement``)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=1000, description="the statement, shown to the holder")
    credential_ids: list[QueryId] = Field(
        min_length=1, max_length=8, description="credential query ids whose presentation binds it"
    )


class PresentationRequestCreate(BaseModel):
    """Either ``credential_type`` and ``claims`` (one credential query), or a whole ``dcql_query``
    (OpenID4VP 1.0 section 6: several credential queries, credential_sets, claim_sets, values)."""

    model_config = ConfigDict(extra="forbid")

    credential_type: str | None = Field(
        default=None, min_length=1, max_length=512, description="the vct the officer accepts"
    )
    claims: list[list[str]] | None = Field(
        default=None, min_length=1, max_length=32, description="claim paths, e.g. [['nationality']]"
    )
    dcql_query: dict[str, Any] | None = Field(
        default=None, description="a DCQL query of dc+sd-jwt credential queries, instead of the two above"
    )
    purpose: str = Field(default="", max_length=300, description="why the officer asks, shown to the holder")
    transaction_data: list[TransactionStatementCreate] = Field(default_factory=list, max_length=8)


class PresentationRequestPublic(BaseModel):
    id: str
    request_uri: str
    qr_png_url: str
    qr_text: str
    expires_at: int


class OfflineChallengePublic(BaseModel):
    nonce: str
    audience: str
    expires_at: int


# a frame fits a QR code of version 20 at most (970 characters); a little slack for other wallets
FrameText = Annotated[str, StringConstraints(min_length=1, max_length=1_000)]


class OfflineVerificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    presentation: str | None = Field(
        default=None, min_length=1, max_length=60_000, description="the SD-JWT presentation as scanned"
    )
    frames: list[FrameText] | None = Field(
        default=None,
        min_length=1,
        max_length=99,
        description="or the scanned frames (docs/offline-qr.md), in any order",
    )
    nonce: str = Field(min_length=1, max_length=200)
    audience: str = Field(min_length=1, max_length=500)
    credential_type: str = Field(min_length=1, max_length=512)
    claims: list[list[str]] = Field(min_length=1, max_length=32)
