"""`nansen-issuer rotate-key` against a real chain: the new key is registered before it is used, the
old one retires, and a run interrupted by a chain outage leaves the current key in place and resumes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from issuer_desk import ChainSetup, chain_setup

from issuer.cli import main
from issuer.keys import load_signing_key
from issuer.settings import IssuerSettings
from nansen.chain import devchain
from nansen.chain.keystore import keystore_address


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ChainSetup, IssuerSettings]]:
    chain = devchain.start(tmp_path / "chain")
    try:
        setup, settings = chain_setup(tmp_path, chain)
        for name in (
            "issuer_id",
            "rpc_url",
            "chain_id",
            "deployments_dir",
            "signing_key_file",
            "chain_keystore",
            "data_dir",  # the command checks the lease beside the service's database
        ):
            monkeypatch.setenv(f"NANSEN_ISSUER_{name.upper()}", str(getattr(settings, name)))
        for name in ("signing_key_passphrase", "chain_keystore_passphrase"):
            monkeypatch.setenv(f"NANSEN_ISSUER_{name.upper()}", getattr(settings, name).get_secret_value())
        yield setup, settings
    finally:
        devchain.stop(tmp_path / "chain")


def _passphrase(settings: IssuerSettings) -> str:
    return settings.signing_key_passphrase.get_secret_value()


def test_rotation_registers_then_swaps_then_retires(desk: tuple[ChainSetup, IssuerSettings]) -> None:
    setup, settings = desk
    issuer = keystore_address(settings.chain_keystore)
    old = load_signing_key(settings.signing_key_file, _passphrase(settings))
    assert main(["rotate-key"]) == 0
    new = load_signing_key(settings.signing_key_file, _passphrase(settings))
    assert new.kid != old.kid
    assert (settings.signing_key_file.parent / f"{settings.signing_key_file.name}.{old.kid}").exists()
    now = int(time.time()) + 5
    assert setup.registry.is_key_valid_at(issuer, new.kid_bytes, now)
    assert not setup.registry.is_key_valid_at(issuer, old.kid_bytes, now)


def test_rotation_interrupted_by_a_chain_outage_resumes(
    desk: tuple[ChainSetup, IssuerSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    setup, settings = desk
    issuer = keystore_address(settings.chain_keystore)
    old = load_signing_key(settings.signing_key_file, _passphrase(settings))
    monkeypatch.setenv("NANSEN_ISSUER_RPC_URL", f"http://127.0.0.1:{devchain.free_port()}")
    assert main(["rotate-key"]) == 1  # the chain is unreachable: a readable error, not a traceback
    assert load_signing_key(settings.signing_key_file, _passphrase(settings)).kid == old.kid  # still in use
    monkeypatch.setenv("NANSEN_ISSUER_RPC_URL", settings.rpc_url)
    assert main(["rotate-key"]) == 0
    new = load_signing_key(settings.signing_key_file, _passphrase(settings))
    assert new.kid != old.kid
    assert setup.registry.is_key_valid_at(issuer, new.kid_bytes, int(time.time()) + 5)
