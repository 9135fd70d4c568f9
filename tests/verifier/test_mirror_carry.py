"""A border post without a link: `nansen-verifier mirror export` on a verifier that reaches the chain,
`mirror import` on one that does not; the latter then verifies from the file, as fresh as the file
says (not as fresh as the import), and a damaged, foreign, newer-format or older file is refused
with its own exit code, changing nothing."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from chain_world import ChainIssuer, chain_issuer
from fastapi.testclient import TestClient
from presenting import eventually, present_online

from nansen.chain import devchain
from nansen.chain.deployment import save_deployment
from nansen.chain.mirror_snapshot import MAGIC, decode_snapshot, encode_snapshot
from verifier import cli
from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings

pytestmark = pytest.mark.chain


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[devchain.DevChain, ChainIssuer, Path]]:
    root = tmp_path_factory.mktemp("carry")
    chain = devchain.start(root / "chain")
    try:
        issuer = chain_issuer(chain)
        save_deployment(root / "deployments", issuer.deployment)
        yield chain, issuer, root
    finally:
        devchain.stop(root / "chain")


def post(
    root: Path, name: str, rpc_url: str, monkeypatch: pytest.MonkeyPatch, **extra: str
) -> VerifierSettings:
    """A verifier's settings in the environment, as an operator sets them for the CLI."""
    values = {
        "RPC_URL": rpc_url,
        "DEPLOYMENTS_DIR": str(root / "deployments"),
        "DATA_DIR": str(root / name / "data"),
        "STATE_DIR": str(root / name / "state"),
        "MAX_STALENESS_SECONDS": "86400",
        **extra,
    }
    for key, value in values.items():
        monkeypatch.setenv(f"NANSEN_VERIFIER_{key}", value)
    (root / name / "state").mkdir(parents=True, exist_ok=True)
    return VerifierSettings(public_url="https://verifier.example", _env_file=None)  # type: ignore[call-arg]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def test_an_exported_mirror_verifies_at_a_post_without_a_link(
    world: tuple[devchain.DevChain, ChainIssuer, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    chain, issuer, root = world
    ((_, issued),) = issuer.issue(1)
    carried = root / "usb" / "mirror.snapshot"
    post(root, "office", chain.rpc_url, monkeypatch)
    code, said = run(capsys, "mirror", "export", str(carried))
    assert code == 0 and f"wrote {carried}" in said and "within the staleness bound" in said

    read_out = said.rsplit("fingerprint: ", 1)[1].split(" (")[0]  # what the exporter reads out by phone

    offline = post(root, "border", f"http://127.0.0.1:{devchain.free_port()}", monkeypatch)
    code, said = run(capsys, "mirror", "import", str(carried), "--fingerprint", read_out.upper())
    assert code == 0 and "installed" in said and "its fingerprint matches" in said
    assert offline.mirror_snapshot.read_bytes() == carried.read_bytes()
    synced_at = decode_snapshot(carried.read_bytes(), issuer.deployment).synced_at

    headers = {"Authorization": f"Bearer {OfficerDirectory(offline.officers_file).add('Officer')}"}
    with TestClient(create_app(offline), raise_server_exceptions=False) as client:
        health = client.get("/health").json()
        assert health["reason"] == "chain_unreachable" and health["chain"]["within_staleness_bound"]
        assert health["chain"]["block"] == decode_snapshot(carried.read_bytes(), issuer.deployment).block
        _, result = present_online(client, headers, issued=issued.compact, holder_key=issuer.holder)
        assert result["verdict"] == "valid", result
        assert result["chain"]["synced_seconds_ago"] >= 0  # measured from the export's sync

    # past the staleness bound (measured from the exporter's sync, not the import): unknown
    stale = offline.model_copy(update={"max_staleness_seconds": 0.001})
    with TestClient(create_app(stale), raise_server_exceptions=False) as client:
        health = client.get("/health").json()
        assert health["status"] == "degraded" and not health["chain"]["within_staleness_bound"]
        assert health["chain"]["synced_seconds_ago"] >= 0
        _, result = present_online(client, headers, issued=issued.compact, holder_key=issuer.holder)
        assert result["verdict"] == "unknown", result
    assert decode_snapshot(offline.mirror_snapshot.read_bytes(), issuer.deployment).synced_at == synced_at


def test_a_file_that_cannot_be_trusted_is_refused_and_changes_nothing(
    world: tuple[devchain.DevChain, ChainIssuer, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    chain, issuer, root = world
    post(root, "exporter", chain.rpc_url, monkeypatch)
    early = root / "early.snapshot"
    assert run(capsys, "mirror", "export", str(early))[0] == 0
    issuer.conn.rpc("anvil_mine", ["0x3"])
    late = root / "late.snapshot"
    assert run(capsys, "mirror", "export", str(late))[0] == 0

    border = post(root, "border-2", f"http://127.0.0.1:{devchain.free_port()}", monkeypatch)
    assert run(capsys, "mirror", "import", str(late))[0] == 0
    installed = border.mirror_snapshot.read_bytes()

    whole = late.read_bytes()
    state = decode_snapshot(whole, issuer.deployment)
    files = {
        "truncated": (whole[:-100], 3, "damaged or incomplete"),
        "damaged": (whole[:60] + bytes([whole[60] ^ 4]) + whole[61:], 3, "damaged or incomplete"),
        "newer": (whole[: len(MAGIC)] + struct.pack(">H", 9) + whole[len(MAGIC) + 2 :], 4, "newer release"),
        "other-chain": (
            encode_snapshot(state, replace(issuer.deployment, chain_id=1)),
            5,
            "another registry",
        ),
        "other-deployment": (
            encode_snapshot(state, replace(issuer.deployment, issuer_registry="0x" + "ab" * 20)),
            5,
            "another registry",
        ),
        "older": (early.read_bytes(), 6, "is older"),
    }
    for name, (content, expected, words) in files.items():
        path = root / f"{name}.snapshot"
        path.write_bytes(content)
        code, said = run(capsys, "mirror", "import", str(path))
        assert (code, words in said, "Nothing was changed" in said or "nothing was changed" in said) == (
            expected,
            True,
            True,
        ), (name, said)
        assert "Traceback" not in said and border.mirror_snapshot.read_bytes() == installed
    code, said = run(capsys, "mirror", "import", str(early), "--fingerprint", "0000 0000 0000 0000 0000")
    assert code == 7 and "not the file that was exported" in said
    assert border.mirror_snapshot.read_bytes() == installed
    code, said = run(capsys, "mirror", "import", str(root / "absent.snapshot"))
    assert code == 3 and "Cannot read the mirror file" in said
    assert sorted(p.name for p in border.mirror_snapshot.parent.glob("mirror-*")) == [
        border.mirror_snapshot.name
    ]


def test_export_without_chain_or_snapshot_says_so(
    world: tuple[devchain.DevChain, ChainIssuer, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, _, root = world
    post(root, "nothing", f"http://127.0.0.1:{devchain.free_port()}", monkeypatch)
    code, said = run(capsys, "mirror", "export", str(root / "none.snapshot"))
    assert code == 1 and "Cannot reach the blockchain node" in said
    assert not (root / "none.snapshot").exists()


@pytest.mark.parametrize("spoiled", ["truncated", "foreign"])
def test_a_verifier_whose_snapshot_is_spoiled_rebuilds_from_the_chain(
    world: tuple[devchain.DevChain, ChainIssuer, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    spoiled: str,
) -> None:
    chain, issuer, root = world
    settings = post(root, f"spoiled-{spoiled}", chain.rpc_url, monkeypatch)
    assert run(capsys, "mirror", "export", str(settings.mirror_snapshot))[0] == 0
    whole = settings.mirror_snapshot.read_bytes()
    state = decode_snapshot(whole, issuer.deployment)
    if spoiled == "truncated":
        settings.mirror_snapshot.write_bytes(whole[: len(whole) // 2])
    else:  # a snapshot of another deployment that says it is fresh: never used
        other = replace(issuer.deployment, credential_registry="0x" + "cd" * 20)
        settings.mirror_snapshot.write_bytes(encode_snapshot(state, other))
    ((_, issued),) = issuer.issue(1)
    headers = {"Authorization": f"Bearer {OfficerDirectory(settings.officers_file).add('Officer')}"}
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/health").json()["status"] == "ok"
        _, result = present_online(client, headers, issued=issued.compact, holder_key=issuer.holder)
        assert result["verdict"] == "valid", result
    assert "the mirror snapshot is not used" in caplog.text
    rebuilt = decode_snapshot(settings.mirror_snapshot.read_bytes(), issuer.deployment)  # rewritten whole
    assert rebuilt.block >= state.block


def test_a_running_post_takes_a_newer_file_when_it_is_imported(
    world: tuple[devchain.DevChain, ChainIssuer, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    chain, issuer, root = world
    post(root, "office-3", chain.rpc_url, monkeypatch)
    early, late = root / "early-3.snapshot", root / "late-3.snapshot"
    assert run(capsys, "mirror", "export", str(early))[0] == 0
    issuer.conn.rpc("anvil_mine", ["0x5"])
    assert run(capsys, "mirror", "export", str(late))[0] == 0
    later_block = decode_snapshot(late.read_bytes(), issuer.deployment).block

    border = post(
        root, "border-3", f"http://127.0.0.1:{devchain.free_port()}", monkeypatch, SYNC_INTERVAL_SECONDS="0.2"
    )
    assert run(capsys, "mirror", "import", str(early))[0] == 0
    with TestClient(create_app(border), raise_server_exceptions=False) as client:
        assert client.get("/health").json()["chain"]["block"] < later_block
        assert run(capsys, "mirror", "import", str(late))[0] == 0
        health = eventually(
            lambda: client.get("/health").json(), lambda h: h["chain"]["block"] == later_block, within=10
        )
        assert health["chain"]["within_staleness_bound"] and health["reason"] == "chain_unreachable"
