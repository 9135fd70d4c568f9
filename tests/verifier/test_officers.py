"""Officer tokens: added or removed while the service runs, noticed without a restart."""

from __future__ import annotations

import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from desk import Desk
from presenting import ASK, eventually

from nansen.errors import ConfigurationError
from verifier.cli import main
from verifier.officers import Officer, OfficerDirectory

RELOAD_SECONDS = 3.0  # the service rechecks the file once a second


def test_officer_added_with_the_cli_is_let_in_without_a_restart(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NANSEN_VERIFIER_DATA_DIR", str(desk.settings.data_dir))
    assert main(["add-officer", "Officer Late"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    created = eventually(
        lambda: desk.client.post("/requests", json=ASK, headers=headers),
        lambda r: r.status_code == 201,
        within=RELOAD_SECONDS,
    )
    assert created.json()["request_uri"].startswith("openid4vp://")
    assert desk.client.post("/requests", json=ASK, headers=desk.headers).status_code == 201


def test_officer_removed_from_the_file_is_refused_without_a_restart(desk: Desk) -> None:
    assert desk.client.post("/requests", json=ASK, headers=desk.headers).status_code == 201
    path = desk.settings.officers_file
    tmp = path.with_name("officers.json.edit")
    tmp.write_text("[]")
    os.replace(tmp, path)
    eventually(
        lambda: desk.client.post("/requests", json=ASK, headers=desk.headers).status_code,
        lambda status: status == 401,
        within=RELOAD_SECONDS,
    )


def test_file_is_rechecked_at_most_once_per_interval(tmp_path: Path) -> None:
    now = [0.0]
    path = tmp_path / "officers.json"
    directory = OfficerDirectory(path, recheck_seconds=1.0, clock=lambda: now[0])
    token = OfficerDirectory(path).add("Officer Late", "admin")
    now[0] = 0.9
    assert directory.authenticate(token) is None  # not looked at again within the interval
    now[0] = 1.0
    assert directory.authenticate(token) == Officer("Officer Late", "admin")


def test_damaged_file_keeps_the_known_officers(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    path = tmp_path / "officers.json"
    directory = OfficerDirectory(path, clock=lambda: now[0])
    token = directory.add("Officer A")
    path.write_text('[{"name": "Officer B", "role": "officer"}]')  # a hand edit gone wrong
    now[0] = 5.0
    with caplog.at_level(logging.ERROR, logger="nansen.verifier"):
        assert directory.authenticate(token) == Officer("Officer A", "officer")
    assert "keeping the previous list" in caplog.text
    with pytest.raises(ConfigurationError, match=r"officers file .* is malformed"):
        OfficerDirectory(path)  # at start-up a damaged file is an error, not an empty list


def test_concurrent_adds_lose_no_officer(tmp_path: Path) -> None:
    path = tmp_path / "data" / "officers.json"
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda i: OfficerDirectory(path).add(f"Officer {i}"), range(24)))
    directory = OfficerDirectory(path)
    assert [directory.authenticate(t) for t in tokens] == [
        Officer(f"Officer {i}", "officer") for i in range(24)
    ]
    assert len(json.loads(path.read_text())) == 24
    assert path.stat().st_mode & 0o777 == 0o600
    assert not list(path.parent.glob("*.tmp"))  # every temp file was renamed into place
