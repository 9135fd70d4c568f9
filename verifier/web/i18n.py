"""The console's languages: gettext catalogues (verifier/web/locale/<lang>/LC_MESSAGES/*.po, read
as text at start-up, so no compile step) and the choice of language for a request: the officer's
choice (a cookie), else the browser's Accept-Language, else English."""

from __future__ import annotations

import ast
import gettext
from functools import lru_cache
from pathlib import Path

DOMAIN = "officer_console"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES: dict[str, str] = {  # each language's name in itself, for the language menu
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "uk": "Українська",
    "es": "Español",
}
RTL = frozenset({"ar"})
LANGUAGE_COOKIE = "nansen_console_lang"


def N_(message: str) -> str:  # gettext's name for "translated later"
    """Marks a message for the catalogues; it is translated where it is shown."""
    return message


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr of a .po file (single forms; empty translations are left out)."""
    messages: dict[str, str] = {}
    parts: dict[str, list[str]] = {"msgid": [], "msgstr": []}
    target: str | None = None

    def flush() -> None:
        msgid, msgstr = "".join(parts["msgid"]), "".join(parts["msgstr"])
        if msgid and msgstr:
            messages[msgid] = msgstr

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("msgid "):
            flush()
            parts = {"msgid": [ast.literal_eval(line[6:])], "msgstr": []}
            target = "msgid"
        elif line.startswith("msgstr "):
            target = "msgstr"
            parts["msgstr"].append(ast.literal_eval(line[7:]))
        elif line.startswith('"') and target is not None:
            parts[target].append(ast.literal_eval(line))
    flush()
    return messages


class Catalogue(gettext.NullTranslations):
    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self._messages = messages

    def gettext(self, message: str) -> str:
        return self._messages.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> Catalogue:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    return Catalogue(parse_po(path.read_text(encoding="utf-8")) if path.is_file() else {})


def negotiate(chosen: str | None, accept_language: str) -> str:
    """The officer's chosen language if we have it, else the best of Accept-Language, else English."""
    if chosen in LANGUAGES:
        return chosen
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        code = tag.strip().split("-")[0].lower()
        if code in LANGUAGES and quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else "en"
