"""docs/offline-qr.md is the format's definition for other wallets: its dictionary and its worked
example must be what the code does."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from nansen.offline_transport import assemble, encode_frames
from nansen.offline_transport.packing import DICTIONARY

SPEC = (Path(__file__).resolve().parents[2] / "docs" / "offline-qr.md").read_text(encoding="utf-8")


def _block(marker: str) -> list[str]:
    found = re.search(rf"<!-- {marker} -->\n```\n(.*?)\n```", SPEC, re.DOTALL)
    assert found, marker
    return found.group(1).split("\n")


def test_the_dictionary_in_the_spec_is_the_one_used() -> None:
    assert "".join(_block("dictionary")).encode("ascii") == DICTIONARY
    assert f"{len(DICTIONARY)} ASCII bytes" in SPEC and hashlib.sha256(DICTIONARY).hexdigest() in SPEC


def test_the_worked_example_decodes_and_encodes_as_written() -> None:
    [presentation], frames = _block("example-presentation"), _block("example-frames")
    assert assemble(frames) == presentation
    assert encode_frames(presentation, max_version=5) == frames
