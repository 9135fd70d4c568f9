"""Errors of the offline frame transport: each names what the officer should do next.

::

    CredentialError                          (nansen.errors)
    └── OfflineTransportError                reason "offline_transport"
        ├── NotAFrameError                   "not_a_frame"        the text is no frame of this format
        ├── DamagedFrameError                "frame_damaged"      a frame fails its check, or is cut short
        ├── ForeignFrameError                "frame_foreign"      a frame of another presentation
        ├── MissingFramesError               "frames_missing"     names the frames still to scan
        ├── DamagedPresentationError         "frames_mismatch"    all frames read, but they do not decode
        └── PresentationTooLargeError        "presentation_too_large"
"""

from __future__ import annotations

from nansen.errors import CredentialError


class OfflineTransportError(CredentialError):
    reason = "offline_transport"


class NotAFrameError(OfflineTransportError):
    reason = "not_a_frame"


class DamagedFrameError(OfflineTransportError):
    reason = "frame_damaged"


class ForeignFrameError(OfflineTransportError):
    reason = "frame_foreign"


class MissingFramesError(OfflineTransportError):
    reason = "frames_missing"

    def __init__(
        self, message: str, *, missing: tuple[int, ...], total: int | None, user_message: str | None = None
    ) -> None:
        super().__init__(message, user_message=user_message)
        self.missing = missing
        self.total = total


class DamagedPresentationError(OfflineTransportError):
    reason = "frames_mismatch"


class PresentationTooLargeError(OfflineTransportError):
    reason = "presentation_too_large"
