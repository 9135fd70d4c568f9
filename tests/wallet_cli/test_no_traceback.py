"""Whatever the input, the wallet answers with one message and a documented exit code, never a
traceback (issue 16 item 6): damaged files, hostile offers, and an issuer (a real HTTP server on
127.0.0.1) whose answers have the wrong shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from issuer_double import GOOD, IssuerDouble, issuer_double
from typer.testing import CliRunner, Result

from nansen.crypto.keys import generate_private_key, private_key_to_jwk
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT
from wallet_cli.app import app
from wallet_cli.errors import ExitCode
from wallet_cli.store.wallet import Wallet

PASS = {"NANSEN_WALLET_PASSPHRASE": "a good passphrase"}
DOCUMENTED = {int(code) for code in ExitCode}


def run(wallet: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--data-dir", str(wallet), "--lang", "en", *args], env=PASS)


def assert_one_message(result: Result, code: int | None = None) -> None:
    """A SystemExit with a documented code: the command handled it (an uncaught exception is
    ``result.exception`` of another type), and not through the last-resort handler."""
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.exception
    assert result.exit_code in DOCUMENTED
    assert "unexpected error" not in result.output, result.output
    assert "Traceback" not in result.output
    if code is not None:
        assert result.exit_code == code, result.output


@pytest.fixture(scope="module")
def wallet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wallet") / "w"
    holder = dict(private_key_to_jwk(generate_private_key()))
    Wallet.create(folder, PASS["NANSEN_WALLET_PASSPHRASE"], holder)
    return folder


def test_show_and_delete_a_damaged_credential(tmp_path: Path) -> None:
    opened = Wallet.create(tmp_path / "w", PASS["NANSEN_WALLET_PASSPHRASE"], {"kty": "EC"})
    credential_id = opened.add_credential({"compact": "x~", "vct": "t", "claims": {}, "received_at": 1})
    path = tmp_path / "w" / "credentials" / f"{credential_id}.json"
    path.write_bytes(path.read_bytes()[:-20])
    shown = run(tmp_path / "w", "show", credential_id)
    assert_one_message(shown, 5)
    assert f"Credential {credential_id} is damaged" in shown.output
    assert_one_message(run(tmp_path / "w", "show", credential_id, "--json"), 5)
    assert_one_message(run(tmp_path / "w", "delete", credential_id, "--yes"), 0)  # the remedy works
    assert not path.exists()


def test_a_date_beyond_any_calendar_is_shown_as_unknown(tmp_path: Path) -> None:
    opened = Wallet.create(tmp_path / "w", PASS["NANSEN_WALLET_PASSPHRASE"], {"kty": "EC"})
    credential_id = opened.add_credential(
        {"compact": "x~", "vct": "t", "claims": {"a": 1}, "received_at": 10**20, "expires_at": 10**20}
    )
    shown = run(tmp_path / "w", "show", credential_id)
    assert_one_message(shown, 0)
    assert "Valid until ?" in shown.output
    assert_one_message(run(tmp_path / "w", "list"), 0)


def offer(issuer: Any) -> str:
    return json.dumps(
        {
            "credential_issuer": issuer,
            "credential_configuration_ids": ["refugee"],
            "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": "code", "tx_code": {"length": 6}}},
        }
    )


@pytest.mark.parametrize(
    "issuer", ["https://issuer.example\x01/", "https://issuer.example/\x7f", "http://127.0.0.1:1\n/", 7]
)
def test_a_control_character_in_credential_issuer(wallet: Path, issuer: Any) -> None:
    result = run(wallet, "receive", offer(issuer), "--tx-code", "123456")
    assert_one_message(result, 2)
    assert "must be an https URL" in result.output


@pytest.fixture(scope="module")
def issuer() -> Iterator[IssuerDouble]:
    with issuer_double() as server:
        yield server


BROKEN_ANSWERS = {
    "token is a list": {"/token": (200, b"[1]")},
    "token without access_token": {"/token": (200, b'{"token_type": "Bearer"}')},
    "access_token a number": {"/token": (200, b'{"access_token": 5}')},
    "token not JSON": {"/token": (200, b"<html>")},
    "no c_nonce": {"/nonce": (200, b"{}")},
    "no credentials": {"/credential": (200, b"{}")},
    "credentials empty": {"/credential": (200, b'{"credentials": []}')},
    "credentials of strings": {"/credential": (200, b'{"credentials": ["x"]}')},
    "credential a number": {"/credential": (200, b'{"credentials": [{"credential": 1}]}')},
    "credential unreadable": {"/credential": (200, b'{"credentials": [{"credential": "x.y.z~"}]}')},
    "refused with an object": {"/credential": (400, b'{"error": {"a": [1]}}')},
    "deferred with a bad interval": {
        "/credential": (202, b'{"transaction_id": "t", "interval": "soon"}'),
        "/deferred_credential": (400, b'{"error": "invalid_transaction_id"}'),
    },
    "metadata of the wrong shape": {
        "/.well-known/openid-credential-issuer": (200, b'{"credential_configurations_supported": []}'),
        "/credential": (200, b'{"credentials": [{"credential": "x.y.z~"}]}'),
    },
    "display entries of the wrong shape": {
        "/.well-known/openid-credential-issuer": (
            200,
            b'{"credential_configurations_supported": {"refugee": {"credential_metadata": '
            b'{"display": ["x", 1], "claims": {"a": 1}}}}}',
        ),
        "/credential": (200, b'{"credentials": [{"credential": "x.y.z~"}]}'),
    },
}


@pytest.mark.parametrize("case", sorted(BROKEN_ANSWERS))
def test_an_issuer_answer_of_the_wrong_shape(wallet: Path, issuer: IssuerDouble, case: str) -> None:
    issuer.answers = {**GOOD, **BROKEN_ANSWERS[case]}
    assert_one_message(run(wallet, "receive", offer(issuer.url), "--tx-code", "123456"))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        JSON.map(json.dumps),
        st.builds(lambda body: "openid-credential-offer://?credential_offer=" + json.dumps(body), JSON),
        st.builds(
            lambda issuer, ids, grants: json.dumps(
                {"credential_issuer": issuer, "credential_configuration_ids": ids, "grants": grants}
            ),
            st.text(max_size=30),
            JSON,
            JSON,
        ),
    )
)
def test_any_offer_text(wallet: Path, text: str) -> None:
    assert_one_message(run(wallet, "receive", text, "--tx-code", "1"))


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.dictionaries(
            st.sampled_from(
                ["client_id", "response_type", "response_mode", "response_uri", "nonce", "dcql_query"]
            ),
            st.text(max_size=30) | JSON.map(json.dumps),
        ).map(lambda params: "openid4vp://?" + "&".join(f"{k}={v}" for k, v in params.items())),
    )
)
def test_any_request_text(wallet: Path, text: str) -> None:
    assert_one_message(run(wallet, "present", text, "--yes"))


@pytest.mark.parametrize(
    "args",
    [
        ["backup", "/nonexistent-folder/wallet.backup"],
        [
            "present",
            "--offline",
            "--nonce",
            "n",
            "--audience",
            "a",
            "--claims",
            "x",
            "--out",
            "/nonexistent/f",
        ],
    ],
)
def test_a_file_the_holder_names_that_cannot_be_written(wallet: Path, args: list[str]) -> None:
    result = CliRunner().invoke(
        app,
        ["--data-dir", str(wallet), "--lang", "en", *args],
        env={**PASS, "NANSEN_WALLET_BACKUP_PASSPHRASE": "another good passphrase"},
    )
    if args[0] == "present":  # no credential in this wallet: refused before anything is written
        assert_one_message(result, 4)
        return
    assert_one_message(result, 1)
    assert "could not use /nonexistent-folder/wallet.backup" in result.output


def test_a_wallet_folder_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = run(tmp_path / "file" / "w", "init")
    assert_one_message(result, 1)
    assert "could not use" in result.output


@settings(max_examples=40, deadline=None)
@given(
    claims=st.text(max_size=30),
    nonce=st.text(min_size=1, max_size=20),
    credential_type=st.none() | st.text(max_size=20),
    credential=st.none() | st.text(max_size=10),
)
def test_any_offline_options(
    wallet: Path, claims: str, nonce: str, credential_type: str | None, credential: str | None
) -> None:
    args = ["present", "--offline", "--nonce", nonce, "--audience", "a", "--claims", claims]
    args += ["--type", credential_type] if credential_type is not None else []
    args += ["--credential", credential] if credential is not None else []
    assert_one_message(run(wallet, *args))
