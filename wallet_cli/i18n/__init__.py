"""Every user-facing string goes through gettext. Catalogs: English (source), Arabic, Ukrainian,
French, Spanish. Language: --lang, else LANGUAGE / LC_ALL / LC_MESSAGES / LANG, else English."""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "nansen_wallet"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "ar", "uk", "fr", "es")
RTL = frozenset({"ar"})

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def detect_language(explicit: str | None = None) -> str:
    candidates = [explicit] if explicit else []
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        candidates.extend(part for part in value.split(":") if part)
    for candidate in candidates:
        code = candidate.split(".")[0].split("_")[0].split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return "en"


def set_language(explicit: str | None = None) -> str:
    global _translation, _language
    _language = detect_language(explicit)
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language], fallback=True)
    return _language


def language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def is_rtl() -> bool:
    return _language in RTL
