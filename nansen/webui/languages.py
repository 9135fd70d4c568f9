"""Console languages and their choice from the browser's Accept-Language header (RFC 9110 12.5.4)."""

from __future__ import annotations

LANGUAGES = ("en", "fr", "ar", "uk", "es")
NAMES = {"en": "English", "fr": "Français", "ar": "العربية", "uk": "Українська", "es": "Español"}
RTL = frozenset({"ar"})
DEFAULT = "en"
_MAX_HEADER_CHARS = 1000


def direction(language: str) -> str:
    return "rtl" if language in RTL else "ltr"


def supported(language: str | None) -> str | None:
    """The language if the consoles speak it (``"fr-CA"`` -> ``"fr"``), else None."""
    if not language:
        return None
    primary = language.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def negotiate(accept_language: str | None, *, default: str = DEFAULT) -> str:
    """The supported language the browser prefers most; ``default`` when none (or the header is junk)."""
    if not accept_language or len(accept_language) > _MAX_HEADER_CHARS:
        return default
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.partition(";")
        weight = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                continue
        language = supported(tag)
        if language is not None and 0 < weight <= 1:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else default
