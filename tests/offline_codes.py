"""Reads back what `nansen-wallet present --offline --out DIR` wrote: every PNG decoded by
zxing-cpp, the frames reassembled into the presentation."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image

from nansen.offline_transport import assemble


def presentation_in(directory: Path) -> str:
    files = sorted(directory.glob("offline-*-of-*.png"))
    assert files, f"no codes in {directory}"
    texts = []
    for path in files:
        with Image.open(path) as image:
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        assert len(found) == 1, path
        texts.append(found[0].text)
    return assemble(texts)
