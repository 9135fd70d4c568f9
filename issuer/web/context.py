"""One console request: its session (signed cookie), the staff member behind it, the language, the
CSRF check of forms, and the pages it answers with (security headers, cookie renewal).

The signed-in session's cookie is renewed as the person works (idle timeout), set only at sign-in
(a new session id each time) and deleted at sign-out. Before sign-in, an anonymous session in a
cookie of its own carries the CSRF token of the sign-in and language forms (see
nansen.webui.sessions.cookie_name for why it is a separate cookie). A session signed in before the member's
``sessions_valid_after`` (sign out everywhere, deactivation) counts as signed out.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from issuer.deps import IssuerState, get_state
from issuer.models import Staff
from nansen.crypto.b64 import b64url_decode
from nansen.crypto.keys import private_key_to_jwk
from nansen.webui.catalogues import translations
from nansen.webui.formatting import duration, iso_time, when
from nansen.webui.headers import page_headers
from nansen.webui.languages import negotiate, supported
from nansen.webui.sessions import SessionCodec, WebSession, cookie_attributes, cookie_name, derive_secret
from nansen.webui.templates import make_environment, render

PREFIX = "/console"
STATIC = f"{PREFIX}/static"
TEMPLATES = Path(__file__).with_name("templates")
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "nansen_issuer_web"
LANGUAGE_COOKIE = "nansen_lang"


class ConsoleRefusal(Exception):
    """Ends a console request with an HTML page: a status, a title and a sentence to act on."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(title)
        self.status, self.title, self.message = status, title, message


class SignInNeeded(Exception):
    """Redirects to the sign-in page, then back to ``next_path``."""

    def __init__(self, next_path: str, timed_out: bool = False) -> None:
        super().__init__(next_path)
        self.next_path, self.timed_out = next_path, timed_out


@dataclass
class ConsoleKit:
    """What every console request shares: the session codec, the cookie's name and flags, templates."""

    codec: SessionCodec
    secure: bool
    env: Environment

    @property
    def cookie(self) -> str:
        return cookie_name(secure=self.secure)

    @property
    def presession_cookie(self) -> str:
        return cookie_name(secure=self.secure, purpose="presession")


def console_kit(request: Request, state: IssuerState) -> ConsoleKit:
    kit: ConsoleKit | None = getattr(request.app.state, "console", None)
    if kit is None:  # built on first use: the session secret comes from the signing key
        secret = derive_secret(
            b64url_decode(private_key_to_jwk(state.flow.signing_key.key)["d"]), "issuer console sessions"
        )
        kit = ConsoleKit(
            SessionCodec(secret, idle_seconds=state.settings.console_idle_seconds),
            secure=state.settings.public_url.startswith("https://"),
            env=make_environment(TEMPLATES),
        )
        request.app.state.console = kit
    return kit


@dataclass
class Visit:
    request: Request
    state: IssuerState
    db: Session
    kit: ConsoleKit
    web: WebSession
    staff: Staff | None
    language: str
    timed_out: bool
    cookies: dict[str, str | None]  # to set on the response (None: delete)
    catalogue: gettext.NullTranslations = field(init=False)

    def __post_init__(self) -> None:
        self.catalogue = translations(LOCALE_DIR, DOMAIN, self.language)

    def _(self, message: str) -> str:
        return self.catalogue.gettext(message)

    @property
    def csrf_token(self) -> str:
        return self.kit.codec.csrf_token(self.web)

    def sign_in(self, staff: Staff) -> None:
        """A new session id for the signed-in member: a session planted before sign-in is useless."""
        self.web = self.kit.codec.new(str(staff.id))
        self.staff = staff
        self.cookies[self.kit.cookie] = self.kit.codec.encode(self.web)
        self.language = staff.language or self.language
        self.__post_init__()

    def sign_out(self) -> None:
        self.web = self.kit.codec.new()
        self.staff = None
        self.cookies[self.kit.cookie] = None
        self.cookies[self.kit.presession_cookie] = self.kit.codec.encode(self.web)

    def page(self, template: str, *, status: int = 200, **context: Any) -> Response:
        html = render(
            self.kit.env,
            template,
            language=self.language,
            translations=self.catalogue,
            site_name=self.state.settings.display_name,
            home_url=f"{PREFIX}/",
            static_url=f"{STATIC}/webui",
            console_static=STATIC,
            prefix=PREFIX,
            staff=self.staff,
            csrf_token=self.csrf_token,
            path=self.request.url.path,
            when=lambda t: when(t, self.language),
            iso_time=iso_time,
            duration=lambda s: duration(s, self.language),
            **context,
        )
        return self.finish(HTMLResponse(html, status_code=status))

    def redirect(self, path: str) -> Response:
        return self.finish(RedirectResponse(path, status_code=303))

    def finish(self, response: Response) -> Response:
        response.headers.update(page_headers())
        attributes = cookie_attributes(secure=self.kit.secure)
        for cookie, value in self.cookies.items():
            if value is None:
                response.delete_cookie(cookie, **attributes)
            else:
                response.set_cookie(cookie, value, **attributes)
        return response


def _open(request: Request, state: IssuerState, *, touch: bool) -> Iterator[Visit]:
    kit = console_kit(request, state)
    cookies: dict[str, str | None] = {}
    sent = request.cookies.get(kit.cookie)
    opened = kit.codec.open(sent)
    web, staff, timed_out = opened.session, None, opened.timed_out
    with state.sessions() as db:
        if web is not None and web.subject is not None:
            staff = db.get(Staff, int(web.subject)) if web.subject.isdigit() else None
            if staff is None or not staff.active or web.issued_at < staff.sessions_valid_after:
                web, staff, timed_out = None, None, True
        if web is None or web.subject is None:
            if sent is not None:  # forged, timed out or signed out elsewhere: forget it
                cookies[kit.cookie] = None
            web = kit.codec.open(request.cookies.get(kit.presession_cookie)).session
            if web is None or web.subject is not None:
                web = kit.codec.new()
                cookies[kit.presession_cookie] = kit.codec.encode(web)
        elif touch and (touched := kit.codec.touch(web)) is not None:
            web, cookies[kit.cookie] = touched, kit.codec.encode(touched)
        chosen = supported(request.cookies.get(LANGUAGE_COOKIE))
        accepted = negotiate(request.headers.get("accept-language"))
        language = (staff.language if staff else None) or chosen or accepted
        yield Visit(request, state, db, kit, web, staff, language, timed_out, cookies)


def any_visit(request: Request, state: Annotated[IssuerState, Depends(get_state)]) -> Iterator[Visit]:
    yield from _open(request, state, touch=True)


def staff_visit(visit: Annotated[Visit, Depends(any_visit)]) -> Visit:
    if visit.staff is None:
        raise SignInNeeded(visit.request.url.path, visit.timed_out)
    return visit


def admin_visit(visit: Annotated[Visit, Depends(staff_visit)]) -> Visit:
    if visit.staff is None or visit.staff.role != "admin":
        raise ConsoleRefusal(
            403, visit._("Administrators only"), visit._("Only an administrator can open this page.")
        )
    return visit


def polling_visit(request: Request, state: Annotated[IssuerState, Depends(get_state)]) -> Iterator[Visit]:
    """For the page's own background checks: they do not count as activity (idle timeout)."""
    for visit in _open(request, state, touch=False):
        if visit.staff is None:
            raise SignInNeeded(request.url.path, visit.timed_out)
        yield visit


async def form_data(request: Request) -> FormData:
    return await request.form(max_files=0, max_fields=100)


def checked_form(visit: Visit, form: FormData) -> dict[str, str]:
    """The form's text fields, once its CSRF token proved it came from this session's own page."""
    token = form.get("csrf_token")
    if not visit.kit.codec.csrf_valid(visit.web, token if isinstance(token, str) else None):
        raise ConsoleRefusal(
            403,
            visit._("This form has expired"),
            visit._("For your security the form was not sent. Go back, reload the page and try again."),
        )
    return {k: v for k, v in form.items() if isinstance(v, str)}


def sign_in_path(next_path: str = "") -> str:
    safe = next_path if next_path.startswith(f"{PREFIX}/") and "//" not in next_path else ""
    return f"{PREFIX}/sign-in" + (f"?next={quote(safe)}" if safe and safe != f"{PREFIX}/" else "")


AnyVisit = Annotated[Visit, Depends(any_visit)]
StaffVisit = Annotated[Visit, Depends(staff_visit)]
AdminVisit = Annotated[Visit, Depends(admin_visit)]
PollingVisit = Annotated[Visit, Depends(polling_visit)]
Form = Annotated[FormData, Depends(form_data)]
