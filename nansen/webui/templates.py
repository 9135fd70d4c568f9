"""Jinja2 for the consoles: autoescaped, strict about undefined names, every text through gettext.

One environment per service (templates are compiled once); the language is chosen per render, so
concurrent requests in different languages never see each other's catalogue::

    env = make_environment(Path("issuer/web/templates"))
    html = render(env, "home.html", language="ar", translations=catalogue, title=...)

In templates: ``{{ _("Sign in") }}`` or ``{% trans %}…{% endtrans %}``; ``{{ _("%(n)s left", n=3) }}``
formats after translating (new-style gettext: placeholders by name, values escaped). Every page gets
``language``, ``direction`` (``ltr``/``rtl``) and ``languages`` (code -> name, for a chooser).
The shared layout is ``webui/layout.html``; its stylesheet is ``STATIC_DIR / "nansen.css"``.
"""

from __future__ import annotations

import gettext
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from nansen.webui.languages import NAMES, direction

LAYOUT_TEMPLATES = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")

_ENGLISH = gettext.NullTranslations()
_current: ContextVar[gettext.NullTranslations | None] = ContextVar("nansen_webui_translations", default=None)


def _gettext(message: str) -> str:
    return (_current.get() or _ENGLISH).gettext(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return (_current.get() or _ENGLISH).ngettext(singular, plural, count)


def make_environment(*template_dirs: Path) -> Environment:
    """The service's templates first, then the shared layout (``webui/layout.html``)."""
    env = Environment(
        loader=ChoiceLoader(
            [FileSystemLoader([str(d) for d in template_dirs]), FileSystemLoader(LAYOUT_TEMPLATES)]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def template_msgids(env: Environment) -> set[str]:
    """Every gettext msgid in the environment's templates (``_()``, ``gettext()``, ``{% trans %}``)."""
    found: set[str] = set()
    for name in env.list_templates(extensions=["html", "txt"]):
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        for _line, _function, message in env.extract_translations(source):  # type: ignore[attr-defined]
            # a literal msgid is a str, ngettext's a tuple; a variable (``_(label)``) gives None
            messages = (message,) if isinstance(message, str) else (message or ())
            found.update(m for m in messages if isinstance(m, str))
    return found


def render(
    env: Environment, template: str, *, language: str, translations: gettext.NullTranslations, **context: Any
) -> str:
    """One page in one language (the catalogue is set for this render only)."""
    token = _current.set(translations)
    try:
        return env.get_template(template).render(
            language=language, direction=direction(language), languages=NAMES, **context
        )
    finally:
        _current.reset(token)
