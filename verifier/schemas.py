"""Request and response bodies, named by role."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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
