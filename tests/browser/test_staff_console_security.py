"""The staff console's sessions in a real browser: cookie flags, CSRF refused (a missing token, and
a form on another site), session fixation refused, idle timeout, sign out everywhere, roles,
keyboard-only sign-in, and the pages without JavaScript."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser_support import new_page
from playwright.sync_api import Browser, Page, expect
from staff_console import Console, read_offer, register, sign_in

from issuer.keys import load_signing_key
from nansen.crypto.b64 import b64url_decode
from nansen.crypto.keys import private_key_to_jwk
from nansen.webui.sessions import SessionCodec, WebSession, derive_secret

pytestmark = pytest.mark.chain
COOKIE = "nansen_session"


@pytest.fixture()
def admin(console: Console, browser: Browser) -> Iterator[Page]:
    page = new_page(browser)
    sign_in(page, console)
    yield page
    page.context.close()


def session_cookie(page: Page, name: str = COOKIE) -> dict[str, object]:
    return next(c for c in page.context.cookies() if c["name"] == name)  # type: ignore[return-value]


def staff_count(page: Page, console: Console) -> int:
    page.goto(f"{console.url}/console/staff")
    return page.locator("tbody tr").count()


def test_the_session_cookie_is_http_only_and_same_site_strict(admin: Page) -> None:
    cookie = session_cookie(admin)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert admin.evaluate("document.cookie").find(COOKIE) == -1  # scripts cannot read it


def test_a_form_without_its_csrf_token_is_refused(admin: Page, console: Console) -> None:
    before = staff_count(admin, console)
    for token in ("", "forged-token"):
        answer = admin.request.post(
            f"{console.url}/console/staff", form={"csrf_token": token, "name": "Mallory", "role": "admin"}
        )
        assert answer.status == 403 and "This form has expired" in answer.text()
    assert staff_count(admin, console) == before


def test_a_form_on_another_site_cannot_act_for_a_signed_in_member(admin: Page, console: Console) -> None:
    """A page on another origin posts to the console: SameSite=Strict keeps the cookie home, and the
    CSRF token it cannot know would refuse it anyway."""
    before = staff_count(admin, console)
    attack = (
        f'<form id="f" method="post" action="{console.url}/console/staff">'
        '<input name="name" value="Mallory"><input name="role" value="admin">'
        '<input name="csrf_token" value="guess"></form><script>document.getElementById("f").submit()</script>'
    ).encode()

    class Evil(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(attack)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("localhost", 0), Evil)  # "localhost": another site than 127.0.0.1
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        admin.goto(f"http://localhost:{server.server_port}/")
        admin.wait_for_url(re.compile(r"/console/"))
        assert "/console/staff" not in admin.url or admin.locator("text=Mallory").count() == 0
    finally:
        server.shutdown()
        server.server_close()
    assert staff_count(admin, console) == before
    assert admin.locator("text=Mallory").count() == 0


def test_a_session_planted_before_sign_in_is_not_the_one_signed_in(
    console: Console, browser: Browser
) -> None:
    attacker, victim = new_page(browser), new_page(browser)
    try:
        attacker.goto(f"{console.url}/console/sign-in")
        planted = str(session_cookie(attacker, "nansen_presession")["value"])  # its CSRF token is known
        victim.context.add_cookies(
            [{"name": name, "value": planted, "url": console.url} for name in (COOKIE, "nansen_presession")]
        )
        sign_in(victim, console)
        signed_in = _codec(console).open(str(session_cookie(victim)["value"])).session
        anonymous = _codec(console).open(planted).session
        assert signed_in and anonymous and signed_in.sid != anonymous.sid  # a new session id at sign-in
        attacker.goto(f"{console.url}/console/staff")
        expect(attacker).to_have_url(re.compile(r"/console/sign-in"))  # the planted one stays anonymous
    finally:
        attacker.context.close()
        victim.context.close()


def _codec(console: Console) -> SessionCodec:
    env = console.issuer_env
    key = load_signing_key(
        Path(env["NANSEN_ISSUER_SIGNING_KEY_FILE"]), env["NANSEN_ISSUER_SIGNING_KEY_PASSPHRASE"]
    )
    return SessionCodec(
        derive_secret(b64url_decode(private_key_to_jwk(key.key)["d"]), "issuer console sessions")
    )


def test_an_idle_session_ends_and_says_why(admin: Page, console: Console) -> None:
    current = _codec(console).open(str(session_cookie(admin)["value"])).session
    assert current is not None and current.signed_in
    idle = WebSession(current.sid, current.subject, current.issued_at - 3600, current.seen_at - 16 * 60)
    admin.context.add_cookies([{"name": COOKIE, "value": _codec(console).encode(idle), "url": console.url}])
    admin.goto(f"{console.url}/console/credentials")
    expect(admin).to_have_url(re.compile(r"/console/sign-in\?next=/console/credentials&reason=idle"))
    expect(admin.locator(".notice--warning")).to_be_visible()
    forged = _codec(console).encode(current)[:-2] + "AA"
    admin.context.add_cookies([{"name": COOKIE, "value": forged, "url": console.url}])
    admin.goto(f"{console.url}/console/credentials")
    expect(admin).to_have_url(re.compile(r"/console/sign-in"))


def test_sign_out_everywhere_ends_the_other_sessions(console: Console, browser: Browser) -> None:
    laptop, tablet = new_page(browser), new_page(browser)
    try:
        sign_in(laptop, console)
        sign_in(tablet, console)
        laptop.goto(f"{console.url}/console/account")
        laptop.locator("main form button").click()
        expect(laptop).to_have_url(re.compile(r"reason=signed_out_everywhere"))
        tablet.goto(f"{console.url}/console/credentials")
        expect(tablet).to_have_url(re.compile(r"/console/sign-in"))
        sign_in(laptop, console)  # the token itself still works
    finally:
        laptop.context.close()
        tablet.context.close()


def test_an_officer_has_no_administration(admin: Page, console: Console, browser: Browser) -> None:
    admin.goto(f"{console.url}/console/staff")
    admin.locator("#field-name").fill("Desk officer")
    admin.locator("input[name=role][value=officer]").check()
    admin.locator("main form button").click()
    token = admin.locator("#new-token").inner_text().strip()
    officer = new_page(browser)
    try:
        sign_in(officer, console, token)
        assert officer.locator(".nav a[href$='/staff']").count() == 0
        answer = officer.goto(f"{console.url}/console/audit")
        assert answer is not None and answer.status == 403
        register(officer, console)  # officers do register people
        assert re.fullmatch(r"[0-9]{6}", read_offer(officer)[1])
    finally:
        officer.context.close()
    admin.goto(f"{console.url}/console/staff")
    admin.locator("tr", has_text="Desk officer").locator("a[href$='/deactivate']").click()
    admin.locator("main form button").click()
    expect(admin.locator("tr", has_text="Desk officer").locator(".tag--bad")).to_be_visible()


def test_sign_in_with_the_keyboard_only(console: Console, browser: Browser) -> None:
    page = new_page(browser)
    try:
        page.goto(f"{console.url}/console/sign-in")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        while page.evaluate("document.activeElement.id") != "field-token":
            page.keyboard.press("Tab")
        page.keyboard.type(console.admin_token)
        page.keyboard.press("Enter")
        expect(page).to_have_url(console.home)
    finally:
        page.context.close()


def test_without_javascript_the_offer_and_its_progress_still_work(console: Console, browser: Browser) -> None:
    page = new_page(browser, java_script_enabled=False)
    try:
        sign_in(page, console)
        register(page, console)
        offer_uri, _code = read_offer(page)
        assert offer_uri.startswith("openid-credential-offer://")
        link = page.locator("a[target=_blank][href*='/console/offers/']")
        page.goto(console.url + str(link.get_attribute("href")))
        expect(page.locator("#progress")).to_have_attribute("data-progress", "waiting")
        expect(page.locator("main a.button", has_text="Refresh")).to_be_visible()
    finally:
        page.context.close()


@pytest.mark.parametrize("size", [(768, 1024), (360, 740)], ids=["tablet", "phone"])
def test_pages_fit_a_tablet_and_a_phone_without_sideways_scrolling(
    console: Console, browser: Browser, size: tuple[int, int]
) -> None:
    page = new_page(browser, viewport={"width": size[0], "height": size[1]}, locale="ar-SY")
    try:
        sign_in(page, console)
        for path in ("/console/", "/console/register", "/console/credentials", "/console/status"):
            page.goto(f"{console.url}{path}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {size}"
        register(page, console)
        qr = page.locator(".qr img").bounding_box()
        assert qr and qr["width"] >= min(size[0] - 80, 300)  # still large on a small screen
    finally:
        page.context.close()
