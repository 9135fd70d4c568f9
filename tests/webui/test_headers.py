from __future__ import annotations

from nansen.webui.headers import page_headers


def test_pages_allow_no_inline_script_and_are_not_stored() -> None:
    headers = page_headers()
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["Cache-Control"] == "no-store" and headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "camera=(self)" in page_headers(camera=True)["Permissions-Policy"]
