"""The console's cookies and refusals over HTTP, without a chain (WORKER_ENABLED=false): Secure and
``__Host-`` behind https, the anonymous session kept apart, CSRF and open redirects refused, error
pages in the browser's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from issuer.app import create_app
from issuer.bootstrap import bootstrap_admin
from issuer.keys import create_signing_key
from issuer.settings import IssuerSettings


def console(tmp_path: Path, public_url: str) -> tuple[TestClient, str]:
    settings = IssuerSettings(
        public_url=public_url,
        data_dir=tmp_path,
        signing_key_file=tmp_path / "key.pem",
        signing_key_passphrase=SecretStr("test only"),
        worker_enabled=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    create_signing_key(settings.signing_key_file, "test only")
    return TestClient(create_app(settings), base_url=public_url), bootstrap_admin(settings, "Admin")


@pytest.fixture()
def http(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    client, token = console(tmp_path, "http://127.0.0.1:8001")
    with client:
        yield client, token


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_behind_https_the_cookies_are_secure_and_host_only(tmp_path: Path) -> None:
    client, token = console(tmp_path, "https://issuer.example.org")
    with client:
        page = client.get("/console/sign-in")
        presession = page.headers["set-cookie"]
        assert presession.startswith("__Host-nansen_presession=") and "Secure" in presession
        signed_in = client.post(
            "/console/sign-in", data={"csrf_token": csrf(page.text), "token": token}, follow_redirects=False
        )
        cookie = signed_in.headers["set-cookie"]
        assert cookie.startswith("__Host-nansen_session=")
        for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
            assert flag in cookie
        assert "Max-Age" not in cookie and "expires" not in cookie.lower()  # ends with the browser


def test_sign_in_refuses_a_missing_csrf_token_and_a_foreign_next(http: tuple[TestClient, str]) -> None:
    client, token = http
    page = client.get("/console/sign-in")
    refused = client.post("/console/sign-in", data={"token": token})
    assert refused.status_code == 403 and "nansen_session=" not in refused.headers.get("set-cookie", "")
    for foreign in ("https://evil.example/", "//evil.example/console/", "/console/\\evil"):
        done = client.post(
            "/console/sign-in",
            data={"csrf_token": csrf(page.text), "token": token, "next": foreign},
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == "/console/"
        client.cookies.clear()
        page = client.get("/console/sign-in")


def test_a_wrong_token_is_refused_without_echoing_it(http: tuple[TestClient, str]) -> None:
    client, _ = http
    page = client.get("/console/sign-in")
    answer = client.post(
        "/console/sign-in", data={"csrf_token": csrf(page.text), "token": "not-a-real-token"}
    )
    assert answer.status_code == 401 and "not-a-real-token" not in answer.text
    assert "This staff token is not valid" in answer.text


def test_error_pages_are_pages_in_the_browsers_language(http: tuple[TestClient, str]) -> None:
    client, _ = http
    missing = client.get("/console/nowhere", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert "Page introuvable" in missing.text and missing.headers["cache-control"] == "no-store"
    assert client.get("/credentials").headers["content-type"] == "application/problem+json"  # the API


def test_pages_for_signed_in_staff_send_others_to_sign_in(http: tuple[TestClient, str]) -> None:
    client, _ = http
    for path in (
        "/console/",
        "/console/register",
        "/console/credentials",
        "/console/staff",
        "/console/status",
    ):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/console/sign-in")


def test_an_unknown_credential_is_a_not_found_page_on_every_page_and_action(
    http: tuple[TestClient, str],
) -> None:
    client, token = http
    page = client.get("/console/sign-in")
    client.post("/console/sign-in", data={"csrf_token": csrf(page.text), "token": token})
    for path in ("/console/credentials/no-such-id", "/console/credentials/no-such-id/revoke"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "There is no credential with this id." in answer.text
    form = client.get("/console/credentials")
    applied = client.post(
        "/console/credentials/no-such-id/revoke",
        data={"csrf_token": csrf(form.text), "reason": "lost_device"},
    )
    assert applied.status_code == 404
    assert "There is no credential with this id." in applied.text
