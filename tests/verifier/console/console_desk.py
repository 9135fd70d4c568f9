"""A signed-in console over TestClient: the officer's cookie session and the CSRF token of the page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient
from httpx import Response
from world import VCT, World

from verifier.settings import VerifierSettings

ENTRY = {
    "name": "Entry: nationality and over 18",
    "credential_type": VCT,
    "claims": "nationality, age_over_18",
    "purpose": "Border entry check",
}


@dataclass
class Console:
    client: TestClient
    world: World
    settings: VerifierSettings
    token: str
    csrf: str = ""

    def sign_in(self, token: str | None = None) -> Response:
        page = self.client.get("/console/sign-in")
        sign_in_csrf = csrf_of(page)
        done = self.client.post(
            "/console/sign-in",
            data={"token": token or self.token, "csrf_token": sign_in_csrf},
            follow_redirects=False,
        )
        if done.status_code == 303:
            self.csrf = csrf_of(self.client.get("/console"))
        return done

    def post(self, path: str, data: dict[str, str] | None = None, **options: object) -> Response:
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **options)  # type: ignore[arg-type]

    def add_entry_preset(self) -> str:
        assert self.post("/console/admin/presets", ENTRY, follow_redirects=False).status_code == 303
        return preset_id(self.client.get("/console/online").text)


def csrf_of(page: Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text) or re.search(
        r'name="csrf-token" content="([^"]+)"', page.text
    )
    assert found, page.text[:500]
    return found.group(1)


def preset_id(html: str) -> str:
    found = re.search(r'name="preset" id="preset-(\w+)"', html)
    assert found, html[:500]
    return found.group(1)


def text_of(page: Response) -> str:
    """The page's text as a person reads it (tags dropped, spaces collapsed)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text)).replace("&#39;", "'")
