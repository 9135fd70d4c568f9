"""What the officer's camera (or a photo) read from the holder's screen: the QR texts, how far they
are from a whole presentation, and the presentation once they are all there. The texts stay in the
officer's page until the check is made; the verifier keeps none of them."""

from __future__ import annotations

import io
from dataclasses import dataclass

from nansen.errors import NansenError
from verifier.web.i18n import N_

MAX_FRAMES = 64
MAX_PHOTO_PIXELS = 40_000_000


class ScanError(NansenError):
    """What was scanned cannot make a presentation; ``user_message`` says what to do."""


@dataclass(frozen=True)
class ScanProgress:
    received: int
    total: int | None  # None while no frame has said how many there are
    complete: bool


def _single(texts: list[str]) -> str | None:
    """A presentation carried whole in one QR code (an SD-JWT with its key binding)."""
    for text in texts:
        if text.startswith("ey") and "~" in text:
            return text
    return None


def scan_progress(texts: list[str]) -> ScanProgress:
    distinct = list(dict.fromkeys(texts))[:MAX_FRAMES]
    if _single(distinct) is not None:
        return ScanProgress(1, 1, True)
    return ScanProgress(len(distinct), None, False)


def assembled(texts: list[str]) -> str:
    """The presentation the scanned texts make, or ScanError."""
    whole = _single(list(dict.fromkeys(texts))[:MAX_FRAMES])
    if whole is None:
        raise ScanError(
            "scanned texts make no presentation",
            user_message=N_("The codes scanned so far do not make a whole presentation. Keep scanning."),
        )
    return whole


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
