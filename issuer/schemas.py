"""Request and response bodies, named by role."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class StaffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    role: Literal["admin", "officer"] = "officer"


class StaffCreated(BaseModel):
    id: int
    name: str
    role: str
    token: str  # shown once


class OfferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    credential_type: str = Field(default="refugee_identity", max_length=100)
    claims: dict[str, Any]


class OfferPublic(BaseModel):
    id: str
    offer_uri: str
    offer: dict[str, Any]
    tx_code: str  # tell it to the person aloud; it is not in the QR code
    qr_text: str | None = None
    qr_png_base64: str | None = None
    expires_at: int


class StatusChangeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(
        pattern=r"^[a-z_]{1,50}$", description="a reason code, e.g. fraud, lost_device, duplicate"
    )


class CredentialPublic(BaseModel):
    id: str
    offer_id: str
    credential_type: str
    status: str
    state: str
    status_index: int
    batch_root: str | None
    created_at: int
    delivered_at: int | None
