"""The console's languages through the shared foundation (nansen.webui): its own gettext catalogue
(verifier/web/locale/<lang>/LC_MESSAGES/officer_console.po, compiled to .mo with
``python -m nansen.webui.catalogues verifier/web/locale officer_console``), the layout's catalogue
behind it, and the choice of language: the officer's (a cookie), else Accept-Language, else English."""

from __future__ import annotations

import gettext
from pathlib import Path

from nansen.webui.catalogues import translations
from nansen.webui.languages import negotiate, supported

DOMAIN = "officer_console"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGE_COOKIE = "nansen_console_lang"


def N_(message: str) -> str:  # gettext's name for "translated later"
    """Marks a message for the catalogues; it is translated where it is shown."""
    return message


def choose_language(chosen: str | None, accept_language: str | None) -> str:
    return supported(chosen) or negotiate(accept_language)


def catalogue(language: str) -> gettext.NullTranslations:
    return translations(LOCALE_DIR, DOMAIN, language)
