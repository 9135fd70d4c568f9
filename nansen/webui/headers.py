"""Security headers for console pages: no inline script or style, no framing, nothing cached.

Pages show personal data (a registration form, a verification result), so nothing is stored by
the browser or a proxy (``no-store``). Scripts and styles come only from the service itself, so an
injected ``<script>`` does not run even if some text escaped neutralisation. Images may be
``data:`` URIs (QR codes drawn by the server).
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)


def page_headers(*, camera: bool = False) -> dict[str, str]:
    """Headers for every console response; ``camera=True`` for a page that scans QR codes."""
    return {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY + ("; media-src 'self' blob:" if camera else ""),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": f"camera=({'self' if camera else ''}), microphone=(), geolocation=()",
    }
