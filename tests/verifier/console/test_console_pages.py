"""The console's pages without a browser: sign-in and sessions, CSRF, admins only, presets with
errors beside the field, declined and expired requests, a result shown once, outside text
neutralised, the photo fallback, headers that keep pages out of caches."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from pathlib import Path

from console_desk import ENTRY, Console, text_of
from fastapi.testclient import TestClient
from world import make_world

from nansen.offline_transport import encode_frames
from nansen.openid4vp.request import parse_request_uri, vp_token_form
from nansen.qr import qr_png
from nansen.sdjwt.presentation import create_presentation
from verifier.app import create_app
from verifier.officers import OfficerDirectory, token_digest
from verifier.settings import VerifierSettings


def start_online(console: Console) -> str:
    pid = console.add_entry_preset()
    started = console.post("/console/online", {"preset": pid}, follow_redirects=False)
    assert started.status_code == 303
    return str(started.headers["location"]).rsplit("/", 1)[1]


def request_uri(console: Console, request_id: str) -> str:
    page = console.client.get(f"/console/online/{request_id}")
    return page.text.split('<figcaption><a href="')[1].split('"')[0].replace("&amp;", "&")


def test_pages_need_a_sign_in_and_a_wrong_token_is_refused(console: Console) -> None:
    first = console.client.get("/console/online", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/console/sign-in"
    refused = console.sign_in("not-a-token")
    assert refused.status_code == 401 and "This officer token is not valid" in text_of(refused)
    done = console.sign_in()
    assert done.status_code == 303
    cookie = next(v for k, v in done.headers.multi_items() if k == "set-cookie" and "nansen_officer=" in v)
    assert cookie.startswith("__Host-nansen_officer=")  # Secure, this host only, Path=/
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
    assert "Path=/" in cookie and console.token not in cookie


def test_forms_without_this_sessions_csrf_token_are_refused_and_change_nothing(console: Console) -> None:
    console.sign_in()
    for token in ("", "forged-token"):
        refused = console.client.post("/console/admin/presets", data={"csrf_token": token, **ENTRY})
        assert refused.status_code == 403 and "This form was refused" in text_of(refused)
    assert "No check presets are defined yet" in text_of(console.client.get("/console/admin/presets"))
    # a script's POST needs the header; the sign-in form its own token
    assert console.client.post("/console/offline/progress", json={"frames": []}).status_code == 403
    anonymous = console.client.post("/console/sign-in", data={"token": console.token, "csrf_token": "x"})
    assert anonymous.status_code == 403


def test_sessions_end_when_idle_or_when_the_officer_is_removed(console: Console) -> None:
    console.sign_in()
    codec = console.client.app.state.console.codec  # type: ignore[attr-defined]
    cookie_name = "__Host-nansen_officer"
    signed_in = codec.open(console.client.cookies[cookie_name]).session
    assert signed_in.subject == token_digest(console.token)
    idle = codec.encode(
        replace(signed_in, seen_at=time.time() - console.settings.console_idle_timeout_seconds - 1)
    )
    console.client.cookies.set(cookie_name, idle)
    ended = console.client.get("/console", follow_redirects=False)
    assert ended.status_code == 401 and "You were signed out" in text_of(ended)

    console.client.cookies.clear()
    console.sign_in()
    handle = OfficerDirectory(console.settings.officers_file).listing()[0][0]
    OfficerDirectory(console.settings.officers_file).remove(handle)
    time.sleep(1.1)  # the directory rechecks its file once a second
    gone = console.client.get("/console", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/console/sign-in"


def test_admins_add_and_remove_officers_others_may_not(console: Console) -> None:
    console.sign_in()
    added = console.post("/console/admin/officers", {"name": "Officer Bo", "role": "officer"})
    assert added.status_code == 200 and "shown only this once" in text_of(added)
    token = added.text.split('id="new-token">')[1].split("<")[0]
    assert token_digest(token) in console.settings.officers_file.read_text()

    other = Console(console.client, console.world, console.settings, token)
    assert other.sign_in().status_code == 303
    assert console.client.get("/console/admin/officers").status_code == 403
    assert other.post("/console/admin/officers", {"name": "Mallory", "role": "admin"}).status_code == 403

    console.sign_in()
    listing = console.client.get("/console/admin/officers").text
    handle = listing.split("/console/admin/officers/")[2].split("/remove")[0]
    confirm = console.client.get(f"/console/admin/officers/{handle}/remove")
    assert "Remove the officer Officer Bo?" in text_of(confirm)
    assert console.post(f"/console/admin/officers/{handle}/remove", follow_redirects=False).status_code == 303
    assert "Officer Bo" not in console.client.get("/console/admin/officers").text


def test_a_preset_with_a_bad_field_says_which_and_is_not_kept(console: Console) -> None:
    console.sign_in()
    bad = console.post("/console/admin/presets", {**ENTRY, "credential_type": "ftp://x"})
    assert bad.status_code == 400
    assert "The credential type is an https address" in text_of(bad)
    assert 'id="credential_type-error"' in bad.text and 'value="Entry: nationality and over 18"' in bad.text
    assert "No check presets are defined yet" in text_of(console.client.get("/console/admin/presets"))


def test_declined_shows_as_declined_and_the_api_says_so(console: Console) -> None:
    console.sign_in()
    request_id = start_online(console)
    request = parse_request_uri(request_uri(console, request_id))
    answer = console.client.post(
        f"/wallet/responses/{request_id}", data={"error": "access_denied", "state": request.state}
    )
    assert answer.status_code == 200
    assert console.client.get(f"/console/online/{request_id}/progress").json() == {"progress": "answered"}
    shown = console.post(f"/console/online/{request_id}/result")
    assert (
        shown.status_code == 410 and "DECLINED" in text_of(shown) and "Nothing was shared" in text_of(shown)
    )


def test_a_result_is_shown_once_with_only_the_asked_claims(console: Console) -> None:
    console.sign_in()
    request_id = start_online(console)
    request = parse_request_uri(request_uri(console, request_id))
    presentation = create_presentation(
        issued=console.world.issue(1)[0].compact,
        disclose=[("nationality",), ("age_over_18",)],
        holder_key=console.world.holder_key,
        aud=request.audience,
        nonce=request.nonce,
        iat=int(time.time()),
    )
    console.client.post(
        f"/wallet/responses/{request_id}", data=vp_token_form(request, {"credential": presentation})
    )
    shown = console.post(f"/console/online/{request_id}/result")
    text = text_of(shown)
    assert shown.status_code == 200 and "VALID" in text and "Nationality SY" in text
    assert "Amina" not in text and "Haddad" not in text
    assert shown.headers["cache-control"] == "no-store"
    policy = shown.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy

    again = console.post(f"/console/online/{request_id}/result")
    assert again.status_code == 410 and "This result was already shown" in text_of(again)


def test_outside_text_is_escaped_and_its_controls_removed(console: Console) -> None:
    console.sign_in()
    purpose = "Entry <script>alert(1)</script> \u202egnp.exe\u0007"
    console.post("/console/admin/presets", {**ENTRY, "purpose": purpose}, follow_redirects=False)
    page = console.client.get("/console/online").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\u202e" not in page and "\u0007" not in page
    assert "\ufffdgnp.exe\u2407" in page  # made visible in place, nothing moved or lost


def test_a_photo_of_the_holders_code_is_the_fallback(console: Console) -> None:
    console.sign_in()
    pid = console.add_entry_preset()
    scan = console.post("/console/offline", {"preset": pid})
    nonce = scan.text.split('name="nonce" value="')[1].split('"')[0]
    presentation = create_presentation(
        issued=console.world.issue(1)[0].compact,
        disclose=[("nationality",), ("age_over_18",)],
        holder_key=console.world.holder_key,
        aud="redirect_uri:https://verifier.example/offline",
        nonce=nonce,
        iat=int(time.time()),
    )
    not_a_photo = console.post(
        "/console/offline/photo",
        {"nonce": nonce, "preset": pid},
        files={"photos": ("x.png", b"nope", "image/png")},
    )
    assert not_a_photo.status_code == 400 and "This file is not a photo that can be read" in text_of(
        not_a_photo
    )
    # one photo per frame the holder's screen showed
    photos = [
        ("photos", (f"frame{i}.png", io.BytesIO(qr_png(frame, box_size=4)), "image/png"))
        for i, frame in enumerate(encode_frames(presentation))
    ]
    shown = console.post("/console/offline/photo", {"nonce": nonce, "preset": pid}, files=photos)
    assert shown.status_code == 200 and "VALID" in text_of(shown) and "Over 18 Yes" in text_of(shown)


def test_language_from_the_browser_or_the_officers_choice(console: Console) -> None:
    page = console.client.get("/console/sign-in", headers={"Accept-Language": "ar;q=0.9, en;q=0.5"})
    assert '<html lang="ar" dir="rtl">' in page.text
    chosen = console.client.get(
        "/console/language", params={"lang": "uk", "back": "/console/sign-in"}, follow_redirects=False
    )
    assert chosen.headers["location"] == "/console/sign-in"
    page = console.client.get("/console/sign-in", headers={"Accept-Language": "ar"})
    assert '<html lang="uk" dir="ltr">' in page.text
    away = console.client.get(
        "/console/language", params={"lang": "fr", "back": "https://evil.example/"}, follow_redirects=False
    )
    assert away.headers["location"] == "/console"


def test_the_served_decoder_is_the_locked_npm_package() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    served = root / "verifier" / "web" / "static" / "vendor" / "jsQR.js"
    assert served.read_bytes() == (root / "node_modules" / "jsqr" / "dist" / "jsQR.js").read_bytes()
    assert '"jsqr": "1.4.0"' in (root / "package.json").read_text()


def test_scanned_frames_report_progress_and_foreign_ones_are_set_aside(console: Console) -> None:
    console.sign_in()
    presentation = create_presentation(
        issued=console.world.issue(1)[0].compact,
        disclose=[("nationality",), ("age_over_18",)],
        holder_key=console.world.holder_key,
        aud="redirect_uri:https://verifier.example/offline",
        nonce="n" * 22,
        iat=int(time.time()),
    )
    frames = encode_frames(presentation, max_version=10)
    other = encode_frames(presentation + "x", max_version=10)
    assert len(frames) >= 3

    def progress(texts: list[str]) -> dict[str, object]:
        answer = console.client.post(
            "/console/offline/progress", json={"frames": texts}, headers={"X-CSRF-Token": console.csrf}
        )
        assert answer.status_code == 200
        return dict(answer.json())

    first = progress([frames[0], "a stray code", other[1]])
    assert first["received"] == 1 and first["total"] == len(frames) and not first["complete"]
    assert first["refused"] == ["a stray code", other[1]] and "another presentation" in str(first["message"])
    assert first["missing"] == list(range(2, len(frames) + 1))
    done = progress(list(reversed(frames)))
    assert done["complete"] and done["received"] == len(frames) and done["refused"] == []


def test_a_request_nobody_answers_shows_as_expired(tmp_path: Path) -> None:
    settings = VerifierSettings(
        public_url="https://verifier.example",
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        request_ttl_seconds=1,
        _env_file=None,  # type: ignore[call-arg]
    )
    token = OfficerDirectory(settings.officers_file).add("Admin Adaeze", "admin")
    world = make_world()
    with TestClient(create_app(settings, trust=world.trust), base_url="https://verifier.example") as client:
        console = Console(client, world, settings, token)
        console.sign_in()
        request_id = start_online(console)
        assert client.get(f"/console/online/{request_id}/progress").json() == {"progress": "pending"}
        time.sleep(1.5)  # past the request's one-second lifetime
        assert client.get(f"/console/online/{request_id}/progress").json() == {"progress": "expired"}
        page = client.get(f"/console/online/{request_id}")
        assert page.status_code == 410 and "The request expired" in text_of(page)


def test_opening_the_sign_in_page_does_not_sign_an_officer_out(console: Console) -> None:
    console.sign_in()
    # the sign-in page (reached by a link from anywhere) sets only its own cookie, never the session's
    page = console.client.get("/console/sign-in")
    cookies = [v for k, v in page.headers.multi_items() if k == "set-cookie"]
    assert cookies and all(c.startswith("__Host-nansen_officer_sign_in=") for c in cookies)
    assert console.client.get("/console", follow_redirects=False).status_code == 200
