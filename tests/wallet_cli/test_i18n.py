"""Every message is translated in every shipped language, and the .mo files match the .po files."""

from __future__ import annotations

import pytest

from wallet_cli.i18n import LANGUAGES, LOCALE_DIR, detect_language
from wallet_cli.i18n.compile import parse_po, to_mo
from wallet_cli.i18n.extract import msgids

TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_translates_every_message(lang: str) -> None:
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "nansen_wallet.po"
    catalog = parse_po(po.read_text(encoding="utf-8"))
    missing = [m for m in msgids() if not catalog.get(m)]
    assert missing == [], f"{lang} lacks {missing[:3]}"
    for message in msgids():  # placeholders survive translation
        for placeholder in ("{id}", "{path}", "{reason}", "{issuer}", "{claims}", "{who}", "{when}"):
            assert (placeholder in message) == (placeholder in catalog[message]), (lang, message)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_mo_is_up_to_date(lang: str) -> None:
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "nansen_wallet.po"
    assert po.with_suffix(".mo").read_bytes() == to_mo(parse_po(po.read_text(encoding="utf-8"))), (
        "run: python -m wallet_cli.i18n.compile"
    )


def test_language_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    assert detect_language() == "en"
    monkeypatch.setenv("LANG", "ar_SY.UTF-8")
    assert detect_language() == "ar"
    monkeypatch.setenv("LANGUAGE", "de:uk")
    assert detect_language() == "uk"
    assert detect_language("fr") == "fr"
