"""What the officer's camera (or a photo) read from the holder's screen: the QR texts, how far they
are from a whole presentation, and the presentation once they are all there. The texts stay in the
officer's page until the check is made; the verifier keeps none of them.

A presentation comes as frames of the offline transport (``nansen.offline_transport``, NSN1), or
whole in one code (what older wallets show). Stray codes the camera happens to see (the challenge
on the officer's own screen, another holder's frames) are set aside, not mixed in."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from nansen.errors import NansenError
from nansen.offline_transport import (
    OfflineTransportError,
    assemble,
    frame_progress,
    is_frame,
)
from verifier.web.i18n import N_

MAX_FRAMES = 99
MAX_PHOTO_PIXELS = 40_000_000


class ScanError(NansenError):
    """What was scanned cannot make a presentation; ``user_message`` (a catalogue msgid) or the
    frame error ``cause`` (translated by verifier.web.core_messages) says what to do."""

    def __init__(
        self, message: str, *, user_message: str, cause: OfflineTransportError | None = None
    ) -> None:
        super().__init__(message, user_message=user_message)
        self.cause = cause


@dataclass(frozen=True)
class ScanProgress:
    received: int
    total: int | None  # None while no frame has said how many there are
    complete: bool
    missing: tuple[int, ...] = ()
    refused: list[str] = field(default_factory=list)  # texts set aside (the page drops them)
    problem: OfflineTransportError | None = None  # why the last of them was set aside


def _whole(text: str) -> bool:
    """A presentation carried whole in one QR code (an SD-JWT with its key binding)."""
    return text.startswith("ey") and "~" in text


def _sorted_out(
    texts: list[str],
) -> tuple[list[str], str | None, list[str], OfflineTransportError | None]:
    """(accepted frames, a whole presentation if one was read, refused texts, the last reason)."""
    frames: list[str] = []
    refused: list[str] = []
    whole: str | None = None
    reason: OfflineTransportError | None = None
    for text in list(dict.fromkeys(texts))[: MAX_FRAMES * 2]:
        if is_frame(text):
            try:
                frame_progress([*frames, text])
            except OfflineTransportError as exc:
                refused.append(text)
                reason = exc
                continue
            frames.append(text)
        elif _whole(text) and whole is None:
            whole = text
        else:
            refused.append(text)
    return frames, whole, refused, reason


def scan_progress(texts: list[str]) -> ScanProgress:
    frames, whole, refused, reason = _sorted_out(texts)
    if whole is not None and not frames:
        return ScanProgress(1, 1, True, refused=refused)
    now = frame_progress(frames)
    return ScanProgress(
        len(now.received), now.total, now.complete, now.missing, refused=refused, problem=reason
    )


def assembled(texts: list[str]) -> str:
    """The presentation the scanned texts make, or ScanError saying what to do."""
    frames, whole, _refused, _reason = _sorted_out(texts)
    if whole is not None and not frames:
        return whole
    try:
        return assemble(frames)
    except OfflineTransportError as exc:
        raise ScanError(str(exc), user_message=exc.user_message, cause=exc) from exc


def decode_photo(data: bytes) -> list[str]:
    """The QR codes' texts in a photo (zxing-cpp), or ScanError when it is no image we can read."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise ScanError(
                    "photo too large", user_message=N_("This photo is too large. Take a smaller one.")
                )
            image.load()
            found = zxingcpp.read_barcodes(image.convert("L"))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise ScanError(
            f"photo unreadable: {type(exc).__name__}",
            user_message=N_("This file is not a photo that can be read. Use a PNG or JPEG photo."),
        ) from exc
    return [code.text for code in found if code.text]
