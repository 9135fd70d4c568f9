"""The staff console's catalogues: compiled, complete in every console language, placeholders kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from issuer.credential_types import load_types
from issuer.problems import GO_BACK, TRY_AGAIN
from issuer.web.context import DOMAIN, LOCALE_DIR, TEMPLATES
from nansen.webui.catalogues import parse_po, python_msgids, stale, untranslated
from nansen.webui.languages import LANGUAGES
from nansen.webui.templates import LAYOUT_TEMPLATES, make_environment, template_msgids

WEB = Path(__file__).resolve().parents[2] / "issuer" / "web"


def console_msgids() -> set[str]:
    found = template_msgids(make_environment(TEMPLATES)) | python_msgids(WEB)
    for kind in load_types().values():  # field hints come from the schema's descriptions
        found |= {s["description"] for s in kind.schema["properties"].values() if "description" in s}
    found |= {GO_BACK, TRY_AGAIN, "Page not found", "Request refused", "Something went wrong"}
    return found - template_msgids(make_environment(LAYOUT_TEMPLATES))  # the shared layout's own


def test_the_catalogues_are_compiled() -> None:
    assert stale(LOCALE_DIR, DOMAIN) == []


def test_every_message_is_translated_in_every_language() -> None:
    msgids = console_msgids()
    assert len(msgids) > 200 and "Register a person" in msgids and "Administrators only" in msgids
    assert untranslated(LOCALE_DIR, DOMAIN, msgids, LANGUAGES) == {}


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_keep_their_placeholders(language: str) -> None:
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    for msgid, msgstr in parse_po(po.read_text(encoding="utf-8")).items():
        if msgid:
            assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr)), msgid
