"""Cross-site request forgery in a real Chromium: a page on another site that posts a form to the
console while the officer is signed in is refused and changes nothing (the SameSite=Strict cookie
stays home, and the form lacks the session's CSRF token)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from console_serving import served, sign_in, visible_text
from playwright.sync_api import Page, expect
from world import VCT, make_world

from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings

ATTACK = """<!doctype html><html lang="en"><head><title>Win a prize</title></head><body>
<form id="f" method="post" action="{target}/console/admin/presets">
<input name="name" value="Forged"><input name="credential_type" value="{vct}">
<input name="claims" value="given_name, family_name, birth_date"><input name="purpose" value="x">
<button>Claim the prize</button></form></body></html>"""


@pytest.fixture()
def attacker() -> Iterator[tuple[ThreadingHTTPServer, list[str]]]:
    """Another site (localhost, while the console is on 127.0.0.1) serving the forged form."""
    target: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = ATTACK.format(target=target[0], vct=VCT).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, target
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_a_form_from_another_site_is_refused(
    tmp_path: Path, attacker: tuple[ThreadingHTTPServer, list[str]], page: Page
) -> None:
    settings = VerifierSettings(
        public_url="https://verifier.example",
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        _env_file=None,  # type: ignore[call-arg]
    )
    token = OfficerDirectory(settings.officers_file).add("Officer Adaeze", "admin")
    server, target = attacker
    with served(create_app(settings, trust=make_world().trust)) as base:
        target.append(base)
        sign_in(page, base, token)
        page.goto(f"http://localhost:{server.server_address[1]}/")
        page.get_by_role("button", name="Claim the prize").click()
        expect(page.get_by_role("heading", name="This form was refused")).to_be_visible()
        page.goto(f"{base}/console/admin/presets")
        assert "Forged" not in visible_text(page)
        assert "No check presets are defined yet" in visible_text(page)
        assert not settings.presets_file.exists()
