"""QR codes for offers, requests and offline presentations: PNG bytes and terminal text."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

_BLOCKS = {(False, False): "█", (True, False): "▄", (False, True): "▀", (True, True): " "}


class QrCode:
    """One encoding (the costly part: version fit and mask choice), rendered as PNG or as text."""

    def __init__(self, data: str, *, quiet_zone: int = 2) -> None:
        self._code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=quiet_zone)
        self._code.add_data(data)
        self._code.make(fit=True)

    @property
    def version(self) -> int:
        """The QR version (1-40) the data needed: 17 + 4 * version modules a side."""
        return int(self._code.version)

    def png(self, *, box_size: int = 6) -> bytes:
        self._code.box_size = box_size
        buffer = io.BytesIO()
        self._code.make_image().save(buffer)
        return buffer.getvalue()

    def text(self) -> str:
        """Half-block text rendering: two modules per character row, readable by phone cameras."""
        matrix = self._code.get_matrix()
        if len(matrix) % 2:
            matrix.append([False] * len(matrix[0]))
        return "\n".join(
            "".join(_BLOCKS[(top, bottom)] for top, bottom in zip(matrix[i], matrix[i + 1], strict=True))
            for i in range(0, len(matrix), 2)
        )


def qr_png(data: str, *, box_size: int = 6) -> bytes:
    return QrCode(data).png(box_size=box_size)


def qr_text(data: str) -> str:
    return QrCode(data).text()
