"""Fixtures for SD-JWT tests (helpers live in sdjwt_support)."""

from sdjwt_support import example_issuer, parties

__all__ = ["example_issuer", "parties"]
