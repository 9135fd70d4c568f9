"""Who is at the desk: the signed-in officer behind the session cookie (nansen.webui's signed
sessions), and the CSRF check every form and script POST passes before it changes anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response

from nansen.webui.sessions import SessionCodec, WebSession, cookie_attributes
from verifier.deps import ServiceState, StateDep
from verifier.officers import Officer
from verifier.presets import PresetBook

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class ConsoleState:
    codec: SessionCodec
    presets: PresetBook
    secure_cookies: bool

    @property
    def cookie(self) -> str:
        # not the shared default name: a staff console on the same host (another port) would
        # otherwise overwrite the officer's session; __Host- binds it to this host over https
        return "__Host-nansen_officer" if self.secure_cookies else "nansen_officer"

    @property
    def sign_in_cookie(self) -> str:
        # the sign-in form's anonymous session lives apart: a link to the sign-in page from another
        # site (no cookie sent) must not overwrite a signed-in officer's session
        return self.cookie + "_sign_in"

    def session_of(self, request: Request, *, sign_in: bool = False) -> tuple[WebSession | None, bool]:
        """The request's live session (or None) and whether a signed-in one just timed out."""
        opened = self.codec.open(request.cookies.get(self.sign_in_cookie if sign_in else self.cookie))
        return opened.session, opened.timed_out

    def keep(self, response: Response, session: WebSession) -> None:
        """Sends the cookie for a new session, or for one whose activity time moved on."""
        fresh = session.seen_at == session.issued_at
        touched = session if fresh else self.codec.touch(session)
        if touched is not None:
            response.set_cookie(
                self.cookie,
                self.codec.encode(touched),
                **cookie_attributes(secure=self.secure_cookies),
            )

    def forget(self, response: Response) -> None:
        response.delete_cookie(self.cookie, **cookie_attributes(secure=self.secure_cookies))


class SignInRequired(Exception):  # a redirect to the sign-in page, not a fault
    def __init__(self, *, timed_out: bool = False) -> None:
        super().__init__("sign in")
        self.timed_out = timed_out


class AdminOnly(Exception):
    pass


class CsrfRefused(Exception):
    pass


@dataclass(frozen=True)
class Desk:
    """One request from a signed-in officer."""

    officer: Officer
    session: WebSession
    state: ServiceState
    console: ConsoleState


async def signed_in(request: Request, state: StateDep) -> Desk:
    console: ConsoleState = request.app.state.console
    session, timed_out = console.session_of(request)
    if session is None or session.subject is None:
        raise SignInRequired(timed_out=timed_out)
    officer = state.officers.officer_by_digest(session.subject)
    if officer is None:  # removed from officers.json since: every session of theirs ends
        raise SignInRequired
    return Desk(officer, session, state, console)


DeskDep = Annotated[Desk, Depends(signed_in)]


async def csrf_given(request: Request) -> str | None:
    """The CSRF token a form field or a script's header carries."""
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    return given


async def checked(request: Request, desk: DeskDep) -> Desk:
    """The desk, once the request carries this session's CSRF token."""
    if not desk.console.codec.csrf_valid(desk.session, await csrf_given(request)):
        raise CsrfRefused
    return desk


CheckedDesk = Annotated[Desk, Depends(checked)]


async def admin(desk: CheckedDesk) -> Desk:
    if desk.officer.role != "admin":
        raise AdminOnly
    return desk


async def admin_viewing(desk: DeskDep) -> Desk:
    if desk.officer.role != "admin":
        raise AdminOnly
    return desk


AdminDesk = Annotated[Desk, Depends(admin)]
AdminViewDesk = Annotated[Desk, Depends(admin_viewing)]
