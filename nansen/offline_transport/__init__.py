"""Offline presentations as a sequence of QR codes a webcam can read (format: docs/offline-qr.md).

The holder's wallet calls ``encode_frames`` and shows the frames in turn; the officer's side feeds
every scanned text to ``frame_progress`` (what is still missing) and, once complete, to
``assemble``, which returns exactly the presentation the holder signed or raises an
``OfflineTransportError`` saying what to do (scan frame N of M again, a frame of another
presentation, ...). Pure: no QR rendering here (see ``nansen.qr``), no I/O.
"""

from __future__ import annotations

from nansen.offline_transport.errors import (
    DamagedFrameError,
    DamagedPresentationError,
    ForeignFrameError,
    MissingFramesError,
    NotAFrameError,
    OfflineTransportError,
    PresentationTooLargeError,
)
from nansen.offline_transport.frames import (
    MAX_FRAMES,
    MAX_VERSION,
    MIN_VERSION,
    Frame,
    Progress,
    assemble,
    encode_frames,
    frame_progress,
    is_frame,
    parse_frame,
)

__all__ = [
    "MAX_FRAMES",
    "MAX_VERSION",
    "MIN_VERSION",
    "DamagedFrameError",
    "DamagedPresentationError",
    "ForeignFrameError",
    "Frame",
    "MissingFramesError",
    "NotAFrameError",
    "OfflineTransportError",
    "PresentationTooLargeError",
    "Progress",
    "assemble",
    "encode_frames",
    "frame_progress",
    "is_frame",
    "parse_frame",
]
