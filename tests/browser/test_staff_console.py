"""The staff console in Debian's chromium against a real issuer process and a real anvil chain: sign
in, register a person, read the QR code from a screenshot, redeem it with the wallet CLI, watch the
page reach "delivered" without reloading, revoke, read the audit log; in English and in Arabic (right
to left); axe-core on every main page; page weight."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_support import PageWeight, axe_violations, new_page
from playwright.sync_api import Browser, Page, expect
from staff_console import Console, read_offer, register, sign_in, wallet_receive

pytestmark = pytest.mark.chain
SCREENSHOTS = os.environ.get("NANSEN_CONSOLE_SCREENSHOTS")  # e.g. docs/screenshots: saves the main pages
MAIN_PAGES = {
    "sign-in",
    "register-errors",
    "offer",
    "ar-offer-delivered",
    "credentials",
    "confirm-revoke",
    "audit",
    "status",
}


def accessible(page: Page, name: str = "") -> None:
    """No serious or critical axe-core violation; the page saved for the README when asked."""
    assert axe_violations(page) == [], page.url
    if SCREENSHOTS and name in MAIN_PAGES:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_register_deliver_revoke_audit(console: Console, browser: Browser, language: str) -> None:
    page = new_page(browser, locale="ar-SY" if language == "ar" else "en-GB")
    shot = (lambda name: f"{language}-{name}") if language == "ar" else (lambda name: name)
    try:
        page.goto(console.home)
        accessible(page, shot("sign-in"))
        sign_in(page, console)
        assert page.locator("html").get_attribute("lang") == language
        accessible(page, shot("home"))
        if language == "ar":
            assert_right_to_left(page)

        register(page, console, {"given_name": "Amina", "birth_date": "not a date"})
        expect(page.locator(".error-summary")).to_be_visible()
        expect(page.locator("#field-birth_date-error")).to_be_visible()
        assert (
            "not a date" not in page.locator(".error-summary").inner_text()
        )  # errors name rules, not values
        accessible(page, shot("register-errors"))

        form_weight = PageWeight(page)
        page.goto(f"{console.url}/console/register")
        page.wait_for_load_state("networkidle")  # every response event handled before counting
        print(f"\npage weight: registration form {form_weight.total} bytes ({len(form_weight.by_url)} files)")
        # the page, nansen.css, console.css and console.js; 250 countries in the list
        assert 10_000 < form_weight.total < 60_000 and len(form_weight.by_url) == 4
        weight = PageWeight(page)
        register(page, console)
        expect(page.locator("h1")).to_have_count(1)
        offer_uri, tx_code = read_offer(page)
        assert offer_uri.startswith("openid-credential-offer://") and re.fullmatch(r"[0-9]{6}", tx_code)
        assert tx_code not in offer_uri  # the spoken code is not in the QR code
        accessible(page, shot("offer"))
        print(f"page weight: offer page {weight.total} bytes ({len(weight.by_url)} responses)")
        assert 5_000 < weight.total < 40_000
        page.evaluate("window.notReloaded = true")

        wallet = wallet_receive(console, offer_uri, tx_code)
        out, _ = wallet.communicate(timeout=180)
        assert wallet.returncode == 0, out
        assert "accredited and valid" in out
        expect(page.locator("#progress")).to_have_attribute("data-progress", "delivered", timeout=30_000)
        assert page.evaluate("window.notReloaded") is True  # it updated itself
        if language == "ar":
            assert_right_to_left(page)
        accessible(page, shot("offer-delivered"))

        offer_id = page.locator(".offer .mono").last.inner_text()
        page.goto(f"{console.url}/console/credentials?offer_id={offer_id}")
        expect(page.locator("tbody tr")).to_have_count(1)
        accessible(page, shot("credentials"))
        page.locator("tbody tr a").first.click()
        accessible(page, shot("credential"))
        page.locator("a[href$='/revoke']").click()
        expect(page.locator(".notice--bad")).to_be_visible()
        accessible(page, shot("confirm-revoke"))
        page.locator("main form button").click()
        expect(page.locator(".error-summary")).to_be_visible()  # no reason chosen: refused, nothing queued
        page.locator("#field-reason").select_option("fraud")
        page.locator("main form button").click()
        expect(page.locator(".notice--ok")).to_be_visible()
        for _attempt in range(30):  # the change goes on chain with the next batch
            if page.locator("td .tag--ok").count():
                break
            page.wait_for_timeout(1000)
            page.reload()
        expect(page.locator("td .tag--ok")).to_have_count(1)
        expect(page.locator("dd .tag--bad")).to_have_count(1)  # status: revoked
        assert page.locator("a[href$='/revoke'], a[href$='/reinstate']").count() == 0  # final

        page.goto(f"{console.url}/console/audit")
        audit = page.locator("tbody").inner_text()
        assert "fraud" in audit and "Amina" not in audit
        accessible(page, shot("audit"))
        page.goto(f"{console.url}/console/status")
        expect(page.locator(".notice--ok")).to_be_visible()
        accessible(page, shot("status"))
        page.goto(f"{console.url}/console/staff")
        accessible(page, shot("staff"))
    finally:
        page.context.close()


def assert_right_to_left(page: Page) -> None:
    """The whole layout mirrored: direction on the root, the site name at the right edge, the
    navigation running leftwards, the offer's QR code in the right-hand column."""
    assert page.locator("html").get_attribute("dir") == "rtl"
    width = page.viewport_size["width"] if page.viewport_size else 1280
    name = page.locator(".site-name").bounding_box()
    assert name and name["x"] > width / 2, "the site name should sit on the right"
    links = page.locator(".nav a")
    if links.count() > 1:
        first, second = links.nth(0).bounding_box(), links.nth(1).bounding_box()
        assert first and second and first["x"] > second["x"], "the navigation should run right to left"
    if page.locator(".qr").count():
        qr, code = page.locator(".qr").bounding_box(), page.locator(".big-code").bounding_box()
        assert qr and code and qr["x"] > code["x"], "the QR column should be on the right"
