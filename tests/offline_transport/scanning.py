"""What the officer's camera gets: frame images decoded by zxing-cpp and by jsQR (npm, through
node), as rendered and as a cheap webcam sees them.

The webcam model. Screens are scaled so that one of their (logical) pixels is about 0.26 mm (the
CSS reference pixel); the wallet's PNG shows a module as 8 of them when viewed at 100%, and a
terminal draws a module as one character cell 8 pixels wide (two modules per 16-pixel row). The
officer's 720p webcam (1280 pixels across a 70 degree field) at 40 cm sees 56 cm across: 22.9
camera pixels per cm, so 0.59 camera pixel per screen pixel, about 4.8 per module. The camera
integrates over its pixels (box downscale), blurs a little, sees glare (black at 40, white at 210
of 255) and noise (Gaussian, sigma 3 levels: a webcam's processed picture of a lit screen; jsQR
loses codes from about 5); the scanner looks at the part of the picture around the code (its
viewfinder, half again as large as the code).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from statistics import NormalDist

import zxingcpp
from PIL import Image, ImageChops, ImageDraw, ImageFilter

SCREEN_PX_MM = 0.26
CAMERA_PX_PER_MM = 1280 / 560.0
CAMERA_PX_PER_SCREEN_PX = SCREEN_PX_MM * CAMERA_PX_PER_MM
CELL = (8, 16)  # a terminal's character cell, in screen pixels
# uniform bytes to Gaussian noise (sigma 3) around 128, by the inverse of the normal distribution
_GAUSSIAN = [128 + round(NormalDist(0, 3).inv_cdf((u + 0.5) / 256)) for u in range(256)]
_NODE_SCRIPT = Path(__file__).with_name("jsqr_decode.cjs")
_ROOT = Path(__file__).resolve().parents[2]


def as_webcam_sees(image: Image.Image, *, image_px_per_screen_px: float = 1.0, seed: int) -> Image.Image:
    """``image`` shown on a laptop screen, as the webcam's viewfinder gets it."""
    gray = image.convert("L")
    scale = CAMERA_PX_PER_SCREEN_PX / image_px_per_screen_px
    size = (round(gray.width * scale), round(gray.height * scale))
    code = gray.resize(size, Image.Resampling.BOX).filter(ImageFilter.GaussianBlur(0.5))
    code = code.point(lambda v: 40 + v * 170 // 255)
    rng = random.Random(seed)
    view = (size[0] * 3 // 2, size[1] * 3 // 2)
    picture = Image.new("L", view, 60)
    picture.paste(code, (rng.randrange(view[0] - size[0]), rng.randrange(view[1] - size[1])))
    noise = Image.frombytes("L", view, rng.randbytes(view[0] * view[1])).point(_GAUSSIAN)
    return ImageChops.add(picture, noise, offset=-128)


def terminal_image(text: str) -> Image.Image:
    """The half-block text of ``nansen.qr`` as a dark terminal shows it: light blocks on black."""
    lines = text.split("\n")
    width, height = max(len(line) for line in lines) + 4, len(lines) + 2
    image = Image.new("L", (width * CELL[0], height * CELL[1]), 0)
    draw = ImageDraw.Draw(image)
    half = CELL[1] // 2
    for row, line in enumerate(lines, start=1):
        for column, char in enumerate(line, start=2):
            x, y = column * CELL[0], row * CELL[1]
            if char in "█▀":
                draw.rectangle((x, y, x + CELL[0] - 1, y + half - 1), fill=255)
            if char in "█▄":
                draw.rectangle((x, y + half, x + CELL[0] - 1, y + CELL[1] - 1), fill=255)
    return image


def zxing_texts(images: Sequence[Image.Image]) -> list[str | None]:
    texts: list[str | None] = []
    for image in images:
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        texts.append(found[0].text if len(found) == 1 else None)
    return texts


def jsqr_texts(images: Sequence[Image.Image], workdir: Path) -> list[str | None]:
    """One node process for all images (jsQR takes RGBA pixels, as a browser canvas gives them)."""
    listing = []
    for i, image in enumerate(images):
        path = workdir / f"frame-{i}.rgba"
        path.write_bytes(image.convert("RGBA").tobytes())
        listing.append({"path": str(path), "width": image.width, "height": image.height})
    node = shutil.which("node")
    assert node, "node is needed for the jsQR decoder"
    done = subprocess.run(
        [node, str(_NODE_SCRIPT)],
        input=json.dumps(listing),
        capture_output=True,
        text=True,
        cwd=_ROOT,
        timeout=300,
        check=True,
    )
    texts: list[str | None] = json.loads(done.stdout)
    return texts
