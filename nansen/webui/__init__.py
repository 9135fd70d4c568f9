"""The shared foundation of the staff console (issuer/web/) and the officer console (verifier/web/).

Pure and framework-free (no FastAPI, no Starlette): each service maps these onto its own routes.

- ``sessions``: ``SessionCodec`` signs session cookies (HMAC-SHA256; the server keeps no session
  table), refuses forged, idle or too old ones, and derives each session's CSRF token. A new session
  id at every sign-in defeats session fixation; ``WebSession.issued_at`` lets a service refuse every
  session signed in before a cut-off ("sign out everywhere"). ``cookie_name`` / ``cookie_attributes``
  give the cookie's name and flags (HttpOnly, SameSite=Strict, Secure and ``__Host-`` in production).
- ``languages``: the console languages (en, fr, ar, uk, es), ``negotiate`` (Accept-Language) and
  ``direction`` (rtl for Arabic).
- ``catalogues``: gettext ``.po`` -> ``.mo`` without GNU gettext (``python -m nansen.webui.catalogues
  DIR DOMAIN``), ``translations`` for one language with this package's own layout catalogue as fallback.
- ``templates``: ``make_environment`` (Jinja2, autoescaped, strict undefined, gettext through the i18n
  extension) and ``render`` (one page in one language), plus the shared layout ``webui/layout.html`` and
  the stylesheet ``STATIC_DIR / "nansen.css"`` (no build step; logical CSS properties mirror for RTL).
- ``headers``: the security headers every console page carries (CSP without inline script, no-store).
"""
