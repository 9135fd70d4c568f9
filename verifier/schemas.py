"""Request and response bodies, named by role."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

ClaimName = str


class PresentationRequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credential_type: str = Field(min_length=1, max_length=512, description="the vct the officer accepts")
    claims: list[list[str]] = Field(
        min_length=1, max_length=32, description="claim paths, e.g. [['nationality']]"
    )
    purpose: str = Field(default="", max_length=300, description="why the officer asks, shown to the holder")


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


class OfflineVerificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    presentation: str = Field(min_length=1, max_length=60_000)
    nonce: str = Field(min_length=1, max_length=200)
    audience: str = Field(min_length=1, max_length=500)
    credential_type: str = Field(min_length=1, max_length=512)
    claims: list[list[str]] = Field(min_length=1, max_length=32)
