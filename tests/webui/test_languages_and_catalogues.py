"""Accept-Language negotiation, the shared catalogues, and rendering in a language."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.webui.catalogues import (
    LAYOUT_DOMAIN,
    LAYOUT_LOCALE_DIR,
    parse_po,
    stale,
    to_mo,
    translations,
    untranslated,
)
from nansen.webui.languages import LANGUAGES, direction, negotiate, supported
from nansen.webui.templates import LAYOUT_TEMPLATES, make_environment, render, template_msgids


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,de;q=0.9,ar;q=0.5,en;q=0.4", "ar"),
        ("en;q=0.2, uk;q=0.9", "uk"),
        ("es-419", "es"),
        ("de, it", "en"),
        ("fr;q=0, es", "es"),
        ("fr;q=abc, uk", "uk"),
        ("*", "en"),
        ("", "en"),
        (None, "en"),
        ("ar;q=1.5", "en"),
        ("x" * 2000, "en"),
    ],
)
def test_negotiation(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


@given(st.text(max_size=300))
def test_negotiation_always_answers_a_console_language(header: str) -> None:
    assert negotiate(header) in LANGUAGES


def test_supported_and_direction() -> None:
    assert supported("AR_SY") == "ar" and supported("pt") is None and supported(None) is None
    assert direction("ar") == "rtl" and direction("fr") == "ltr"


def test_mo_round_trips_through_gettext(tmp_path: Path) -> None:
    po = (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Sign in"\nmsgstr ""\n"Se "\n"connecter"\n'
    )
    messages = parse_po(po)
    assert messages["Sign in"] == "Se connecter"
    (tmp_path / "x.mo").write_bytes(to_mo(messages))
    with (tmp_path / "x.mo").open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Sign in") == "Se connecter"


def test_the_layout_catalogues_are_compiled_and_complete() -> None:
    assert stale(LAYOUT_LOCALE_DIR, LAYOUT_DOMAIN) == []
    msgids = template_msgids(make_environment(LAYOUT_TEMPLATES))
    assert "Skip to main content" in msgids
    assert untranslated(LAYOUT_LOCALE_DIR, LAYOUT_DOMAIN, msgids, LANGUAGES) == {}


def test_render_uses_the_language_of_each_call_and_escapes(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        '{% extends "webui/layout.html" %}{% block main %}<p>{{ text }}</p>{% endblock %}', encoding="utf-8"
    )
    env = make_environment(tmp_path)
    common = {"page_title": "T", "site_name": "S", "home_url": "/", "static_url": "/s", "text": "<b>x</b>"}
    arabic = render(
        env, "page.html", language="ar", translations=translations(tmp_path, "none", "ar"), **common
    )
    english = render(
        env, "page.html", language="en", translations=translations(tmp_path, "none", "en"), **common
    )
    assert 'dir="rtl"' in arabic and "انتقل إلى المحتوى الرئيسي" in arabic
    assert 'dir="ltr"' in english and "Skip to main content" in english
    assert "&lt;b&gt;x&lt;/b&gt;" in english and "<b>x</b>" not in english


def test_undefined_names_fail_loudly(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("{{ missing }}", encoding="utf-8")
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError, match="missing"):
        render(
            make_environment(tmp_path), "page.html", language="en", translations=gettext.NullTranslations()
        )
