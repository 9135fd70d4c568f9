"""The shared web foundation in a real browser: the layout in English and Arabic under the
consoles' security headers, checked by axe-core; the fixtures themselves are what is tested here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser_support import PageWeight, axe_violations
from playwright.sync_api import Page

from nansen.webui.catalogues import translations
from nansen.webui.headers import page_headers
from nansen.webui.templates import STATIC_DIR, make_environment, render

PAGE = """{% extends "webui/layout.html" %}
{% from "webui/macros.html" import error_summary, field_error, described_by %}
{% block main %}<h1>{{ page_title }}</h1>
{{ error_summary(errors, {"name": "Name"}) }}
<form method="post"><div class="field field--error"><label for="field-name">Name</label>
{{ field_error("name", errors) }}
<input type="text" id="field-name" name="name"{{ described_by("name", "", errors) }}>
</div><button class="button">Save</button></form>
<script>document.body.dataset.inline = "ran"</script>
{% endblock %}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    templates: Path = tmp_path_factory.mktemp("templates")
    (templates / "page.html").write_text(PAGE, encoding="utf-8")
    env = make_environment(templates)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/static/nansen.css":
                body, kind = (STATIC_DIR / "nansen.css").read_bytes(), "text/css"
            else:
                language = "ar" if self.path == "/ar" else "en"
                body = render(
                    env,
                    "page.html",
                    language=language,
                    translations=translations(templates, "none", language),
                    page_title="Test page",
                    site_name="Console",
                    home_url="/",
                    static_url="/static",
                    errors={"name": "Enter a name"},
                ).encode()
                kind = "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            for name, value in page_headers().items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_layout_is_accessible_and_inline_script_does_not_run(site: str, page: Page) -> None:
    weight = PageWeight(page)
    page.goto(site + "/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.evaluate("document.body.dataset.inline") is None  # the CSP blocked the inline script
    assert page.get_by_role("alert").get_by_role("link", name="Name: Enter a name").count() == 1
    assert axe_violations(page) == []
    assert 0 < weight.total < 30_000


def test_arabic_layout_is_right_to_left(site: str, page: Page) -> None:
    page.goto(site + "/ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    # mirrored: the site name sits at the right edge of the header, the field's error bar on its right
    header = page.locator(".site-header__inner").bounding_box()
    name = page.locator(".site-name").bounding_box()
    assert header and name and name["x"] + name["width"] > header["x"] + header["width"] - 40
    field = page.locator(".field--error")
    assert field.evaluate("e => getComputedStyle(e).borderRightWidth") == "5px"
    assert axe_violations(page) == []


def test_axe_finds_what_is_wrong(site: str, page: Page) -> None:
    page.goto(site + "/")
    page.evaluate("document.querySelector('label').remove()")
    assert "label" in {v["id"] for v in axe_violations(page, impacts=("critical", "serious"))}
