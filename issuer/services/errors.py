"""Refusals of staff actions; the API maps them to problem details, the console to its pages.

::

    NansenError
    └── StaffActionRefused        status: the HTTP status the API answers with
        ├── NotFound              404: no such credential, staff member or type
        ├── ActionConflict        409: e.g. revoking a revoked credential
        └── InvalidClaims         422: claims that fail the type's schema (fields: name -> rule)
"""

from __future__ import annotations

from nansen.errors import NansenError


class StaffActionRefused(NansenError):
    status = 400


class NotFound(StaffActionRefused):
    status = 404


class ActionConflict(StaffActionRefused):
    status = 409


class InvalidClaims(StaffActionRefused):
    """``fields`` maps each failing claim to the schema rule it broke, never to its value."""

    status = 422

    def __init__(self, message: str, *, fields: dict[str, str]) -> None:
        super().__init__(message)
        self.fields = fields
