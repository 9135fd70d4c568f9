"""Fixtures for the interoperability suite: a real anvil chain and a real issuer process, driven by
outside implementations (npm @openid4vc/*, @sd-jwt/*; PyPI sd-jwt)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "issuer"))  # issuer_desk's chain setup

from interop_support import IssuerProcess, start_issuer

from nansen.chain import devchain


@pytest.fixture()
def issuer(tmp_path: Path) -> Iterator[IssuerProcess]:
    chain = devchain.start(tmp_path / "chain")
    process = None
    try:
        process = start_issuer(tmp_path, chain)
        yield process
    finally:
        if process is not None:
            process.stop()
        devchain.stop(tmp_path / "chain")
