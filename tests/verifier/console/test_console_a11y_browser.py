"""The console's main pages in a real Chromium: axe-core finds no serious or critical WCAG 2.2 A/AA
violation, everything is reachable by keyboard, and in Arabic the layout runs right to left."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import axe_violations
from console_serving import add_preset, screenshot_dir, served, shot
from playwright.sync_api import Locator, Page, expect
from world import VCT, World, make_world

from nansen.openid4vp.request import parse_request_uri, vp_token_form
from nansen.sdjwt.presentation import create_presentation
from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings


@pytest.fixture()
def desk(tmp_path: Path) -> Iterator[tuple[str, str, World, VerifierSettings]]:
    settings = VerifierSettings(
        public_url="http://127.0.0.1:1",
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        _env_file=None,  # type: ignore[call-arg]
    )
    token = OfficerDirectory(settings.officers_file).add("Officer Adaeze", "admin")
    world = make_world()
    with served(create_app(settings, trust=world.trust)) as base:
        settings.public_url = base
        yield base, token, world, settings


def answer_as_the_wallet(page: Page, world: World, *, link: Locator | None = None) -> None:
    shown = link or page.get_by_role("link", name="Open the request in a wallet on this device")
    uri = shown.get_attribute("href")
    assert uri
    request = parse_request_uri(uri)
    presentation = create_presentation(
        issued=world.issue(1)[0].compact,
        disclose=[("nationality",), ("age_over_18",)],
        holder_key=world.holder_key,
        aud=request.audience,
        nonce=request.nonce,
        iat=int(time.time()),
    )
    sent = httpx.post(request.response_uri, data=vp_token_form(request, {"credential": presentation}))
    assert sent.status_code == 200, sent.text


def test_main_pages_pass_axe_and_arabic_runs_right_to_left(
    desk: tuple[str, str, World, VerifierSettings], tmp_path: Path, page: Page
) -> None:
    base, token, world, _settings = desk
    pictures = screenshot_dir(tmp_path)
    checked: dict[str, list[dict[str, Any]]] = {}
    page.goto(f"{base}/console/sign-in")
    shot(page, pictures / "officer-sign-in.png")
    checked["sign-in"] = axe_violations(page)
    # keyboard only: skip link first, then the form, and Enter signs in
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.get_by_label("Officer token").focus()
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Start a check")).to_be_visible()
    checked["home"] = axe_violations(page)
    add_preset(
        page,
        base,
        name="Entry: nationality and over 18",
        vct=VCT,
        claims="nationality, age_over_18",
        purpose="Border entry check",
    )
    shot(page, pictures / "officer-admin-presets.png")
    checked["presets"] = axe_violations(page)
    page.goto(f"{base}/console/admin/officers")
    checked["officers"] = axe_violations(page)
    page.goto(f"{base}/console/online")
    checked["choose"] = axe_violations(page)
    page.get_by_role("button", name="Show the request code").click()
    checked["online"] = axe_violations(page)
    answer_as_the_wallet(page, world)
    expect(page.locator("#verdict-word")).to_have_text("VALID", timeout=20_000)
    checked["result"] = axe_violations(page)
    page.goto(f"{base}/console/offline")
    page.get_by_role("button", name="Create the challenge").click()
    checked["offline"] = axe_violations(page)

    # Arabic, chosen from the menu: the page turns right to left
    page.goto(f"{base}/console/online")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("تحقق عبر الشبكة")
    page.get_by_role("button", name="اعرض رمز الطلب").click()
    brand = page.get_by_role("link", name="لوحة موظف نانسن").bounding_box()
    language = page.get_by_label("اللغة").bounding_box()
    assert brand and language and brand["x"] > language["x"]  # the site name on the right
    answer_as_the_wallet_arabic = page.locator("figcaption a").get_attribute("href")
    assert answer_as_the_wallet_arabic
    request = parse_request_uri(answer_as_the_wallet_arabic)
    presentation = create_presentation(
        issued=world.issue(1)[0].compact,
        disclose=[("nationality",), ("age_over_18",)],
        holder_key=world.holder_key,
        aud=request.audience,
        nonce=request.nonce,
        iat=int(time.time()),
    )
    httpx.post(request.response_uri, data=vp_token_form(request, {"credential": presentation}))
    expect(page.locator("#verdict-word")).to_have_text("صالحة", timeout=20_000)
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    verdict = page.locator(".verdict").bounding_box()
    heading = page.locator("#verdict-word").bounding_box()
    assert verdict and heading and heading["x"] + heading["width"] > verdict["x"] + verdict["width"] * 0.6
    shot(page, pictures / "officer-result-arabic.png")
    checked["result-ar"] = axe_violations(page)
    assert {name: found for name, found in checked.items() if found} == {}
