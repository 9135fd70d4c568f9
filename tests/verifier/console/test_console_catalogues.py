"""Every message the console shows is translated in every catalogue, placeholders kept."""

from __future__ import annotations

import re

import pytest

from verifier.web.i18n import LANGUAGES, catalogue, negotiate
from verifier.web.messages import msgids


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_message_is_translated_with_its_placeholders(language: str) -> None:
    translate = catalogue(language).gettext
    for message in msgids():
        translated = translate(message)
        assert translated != message or message in {"Actions", "Signature", "No", "Audience"}, (
            language,
            message,
        )
        assert sorted(re.findall(r"\{\w+\}", translated)) == sorted(re.findall(r"\{\w+\}", message))


def test_the_browsers_preference_picks_the_language() -> None:
    assert negotiate(None, "uk-UA,uk;q=0.9,en;q=0.8") == "uk"
    assert negotiate(None, "de-DE, es;q=0.3, fr;q=0.5") == "fr"
    assert negotiate(None, "de, *;q=0.1") == "en"
    assert negotiate("ar", "fr") == "ar"
    assert negotiate(None, "fr;q=abc, es") == "es"
