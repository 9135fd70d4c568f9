"""Every message the console shows is translated in every catalogue, placeholders kept, and the
compiled .mo files match their .po sources."""

from __future__ import annotations

import re

import pytest

from nansen.webui.catalogues import stale, untranslated
from nansen.webui.languages import LANGUAGES
from verifier.web.i18n import DOMAIN, LOCALE_DIR, catalogue, choose_language
from verifier.web.messages import msgids


def test_every_message_is_in_every_catalogue_and_compiled() -> None:
    assert untranslated(LOCALE_DIR, DOMAIN, msgids(), LANGUAGES) == {}
    assert stale(LOCALE_DIR, DOMAIN) == [], (
        "run: python -m nansen.webui.catalogues verifier/web/locale officer_console"
    )


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_translations_keep_their_placeholders(language: str) -> None:
    translate = catalogue(language).gettext
    for message in msgids():
        translated = translate(message)
        assert translated != message or message in {
            "Actions",
            "Signature",
            "No",
            "Audience",
            "{minutes} min {seconds} s",
        }, (
            language,
            message,
        )
        assert sorted(re.findall(r"\{\w+\}", translated)) == sorted(re.findall(r"\{\w+\}", message))


def test_the_officers_choice_wins_over_the_browser() -> None:
    assert choose_language(None, "uk-UA,uk;q=0.9,en;q=0.8") == "uk"
    assert choose_language(None, "de-DE, es;q=0.3, fr;q=0.5") == "fr"
    assert choose_language(None, "de, *;q=0.1") == "en"
    assert choose_language("ar", "fr") == "ar"
    assert choose_language("xx", "es") == "es"
