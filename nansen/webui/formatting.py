"""Dates and country names in the console's language, from the Unicode CLDR (through Babel).

Times are shown in the server's time zone (a field office's consoles and server share one); codes
people read aloud (a tx_code) are never passed through here, so they keep ASCII digits.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_datetime, format_timedelta

# CLDR regions outside ISO 3166-1 (unions, reserved codes); continents are numeric and skipped anyway
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)


def when(timestamp: float | None, language: str) -> str:
    """``6 Dec 2026, 21:40:05`` in the language's own form; empty for no time."""
    if timestamp is None:
        return ""
    return format_datetime(datetime.fromtimestamp(timestamp).astimezone(), "medium", locale=language)


def iso_time(timestamp: float | None) -> str:
    """For ``<time datetime=…>``: machine-readable, the same in every language."""
    return (
        ""
        if timestamp is None
        else datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")
    )


def duration(seconds: float, language: str) -> str:
    """``in 59 minutes`` / ``3 minutes ago`` style, rounded as people say it."""
    return format_timedelta(int(seconds), add_direction=True, locale=language)


@lru_cache(maxsize=16)
def countries(language: str) -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 alpha-2 codes with their names in ``language``, sorted by name."""
    names = Locale.parse(language).territories
    found = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    return tuple(sorted(found, key=lambda item: item[1].casefold()))


def country_name(code: str, language: str) -> str:
    return str(Locale.parse(language).territories.get(code, code))
