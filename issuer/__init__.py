"""Issuer service for NGO staff: OpenID4VCI issuance, batched anchoring, revocation."""
