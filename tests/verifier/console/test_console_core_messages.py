"""Messages of the core and the API (offline frame errors, nonce refusals, verdict details, the
countdown's units) reach the officer in the page's language, named by their code, not in English."""

from __future__ import annotations

import json
import time

import pytest
from console_desk import Console, text_of

from nansen.offline_transport import encode_frames
from nansen.sdjwt.presentation import create_presentation
from verifier.web.i18n import LANGUAGE_COOKIE

# (language, a frame still missing, a frame of another presentation, a refused nonce)
EXPECTED = {
    "fr": (
        "Reste à scanner : trame 2, 3",
        "Une trame appartient à une autre présentation",
        "Ce défi n'a pas été émis par ce vérificateur.",
    ),
    "ar": ("ما زال يجب مسح: الإطار 2, 3", "إطار ينتمي إلى عرض آخر", "هذا التحدي لم يصدره هذا المُحقِّق."),
}


def _scan(console: Console, language: str) -> tuple[str, str, list[str], list[str]]:
    console.client.cookies.set(LANGUAGE_COOKIE, language)
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
    frames = encode_frames(presentation, max_version=10)
    assert len(frames) >= 3
    return pid, nonce, frames, encode_frames(presentation + "x", max_version=10)


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_a_frame_error_and_a_refusal_are_shown_in_the_pages_language(console: Console, language: str) -> None:
    missing, foreign, refused = EXPECTED[language]
    pid, nonce, frames, others = _scan(console, language)

    short = console.post(
        "/console/offline/verify", {"nonce": nonce, "preset": pid, "frames": json.dumps([frames[0]])}
    )
    assert short.status_code == 400 and missing in text_of(short)
    assert "not scanned yet" not in short.text  # the core's English stays out of the page

    progress = console.client.post(
        "/console/offline/progress",
        json={"frames": [frames[0], others[1]]},
        headers={"X-CSRF-Token": console.csrf},
    )
    assert progress.status_code == 200 and str(progress.json()["message"]).startswith(foreign)

    unknown = console.post(
        "/console/offline/verify", {"nonce": "never-issued", "preset": pid, "frames": json.dumps(frames)}
    )
    assert unknown.status_code == 404 and refused in text_of(unknown)
    assert "Create a new challenge" not in unknown.text


@pytest.mark.parametrize(("language", "units"), [("fr", " min "), ("ar", " دقيقة "), ("uk", " хв ")])
def test_the_countdowns_units_are_translated(console: Console, language: str, units: str) -> None:
    console.client.cookies.set(LANGUAGE_COOKIE, language)
    console.sign_in()
    pid = console.add_entry_preset()
    started = console.post("/console/online", {"preset": pid})
    countdown = started.text.split("data-countdown=")[1].split("</span>")[0]
    shown = countdown.rsplit(">", 1)[1]
    assert units in shown and (language == "fr" or " min " not in shown)
    assert units in countdown.split("data-format=")[1].split(">")[0]  # what the script counts down with
