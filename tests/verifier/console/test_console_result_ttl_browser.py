"""In a real Chromium: the result page is served with Cache-Control: no-store and the result leaves
the screen once the result's time to live passes (a one-second TTL here), without anyone touching it."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from console_serving import add_preset, served, sign_in, visible_text
from playwright.sync_api import Page, Response, expect
from world import VCT, make_world

from nansen.openid4vp.request import parse_request_uri, vp_token_form
from nansen.sdjwt.presentation import create_presentation
from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings


def test_the_result_is_not_cached_and_leaves_the_screen_after_its_ttl(tmp_path: Path, page: Page) -> None:
    settings = VerifierSettings(
        public_url="https://verifier.example",
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        result_ttl_seconds=1,
        _env_file=None,  # type: ignore[call-arg]
    )
    token = OfficerDirectory(settings.officers_file).add("Officer Adaeze", "admin")
    world = make_world()
    with served(create_app(settings, trust=world.trust)) as base:
        sign_in(page, base, token)
        add_preset(
            page,
            base,
            name="Entry check",
            vct=VCT,
            claims="nationality, age_over_18",
            purpose="Border entry",
        )
        page.goto(f"{base}/console/online")
        page.get_by_role("button", name="Show the request code").click()
        link = page.get_by_role("link", name="Open the request in a wallet on this device")
        request = parse_request_uri(str(link.get_attribute("href")))
        presentation = create_presentation(
            issued=world.issue(1)[0].compact,
            disclose=[("nationality",), ("age_over_18",)],
            holder_key=world.holder_key,
            aud=request.audience,
            nonce=request.nonce,
            iat=int(time.time()),
        )
        request_id = page.url.rsplit("/", 1)[1]
        # the page's script sees the answer and opens the result by itself (a POST, shown once)
        with page.expect_response(lambda r: r.url.endswith(f"/online/{request_id}/result")) as shown:
            answered = httpx.post(
                f"{base}/wallet/responses/{request_id}",
                data=vp_token_form(request, {"credential": presentation}),
                timeout=10,
            )
            assert answered.status_code == 200
        result: Response = shown.value
        assert result.status == 200 and result.headers["cache-control"] == "no-store"
        expect(page.locator(".verdict-word")).to_have_text("VALID")
        assert "SY" in visible_text(page)  # the disclosed nationality, while the result is shown

        expect(page.get_by_text("The result was cleared from this screen.")).to_be_visible(timeout=10_000)
        assert page.locator(".verdict-word").count() == 0 and page.locator("#result-body").count() == 0
        assert "SY" not in visible_text(page) and "Over 18" not in visible_text(page)
