"""Reading a QR code from an image file (offers and requests can arrive as a photo)."""

from __future__ import annotations

from pathlib import Path

from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _


def text_or_qr(value: str) -> str:
    """The value itself, or the text of the QR code in the image file it names."""
    path = Path(value)
    if len(value) < 4096 and path.suffix.lower() in {".png", ".jpg", ".jpeg", ".gif", ".bmp"}:
        try:
            import zxingcpp
            from PIL import Image, UnidentifiedImageError

            with Image.open(path) as image:
                found = zxingcpp.read_barcodes(image)
        except (OSError, UnidentifiedImageError):
            raise WalletError(
                _("Could not open the image {path}.").format(path=value), ExitCode.USAGE
            ) from None
        if not found:
            raise WalletError(_("No QR code was found in the image. Try a sharper photo."), ExitCode.USAGE)
        return str(found[0].text)
    return value
