"""Who is at the desk: the signed-in officer behind the session cookie, and the CSRF check every
form and script POST passes before it changes anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from verifier.deps import ServiceState, StateDep
from verifier.officers import Officer
from verifier.presets import PresetBook
from verifier.web.session import COOKIE, ConsoleSession, SessionSigner, same_token

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class ConsoleState:
    signer: SessionSigner
    presets: PresetBook
    secure_cookies: bool


class SignInRequired(Exception):  # a redirect to the sign-in page, not a fault
    pass


class AdminOnly(Exception):
    pass


class CsrfRefused(Exception):
    pass


@dataclass(frozen=True)
class Desk:
    """One request from a signed-in officer."""

    officer: Officer
    session: ConsoleSession
    state: ServiceState
    console: ConsoleState


async def signed_in(request: Request, state: StateDep) -> Desk:
    console: ConsoleState = request.app.state.console
    session = console.signer.load(request.cookies.get(COOKIE))
    officer = None if session is None else state.officers.officer_by_digest(session.officer_digest)
    if session is None or officer is None:
        raise SignInRequired
    return Desk(officer, session, state, console)


DeskDep = Annotated[Desk, Depends(signed_in)]


async def checked(request: Request, desk: DeskDep) -> Desk:
    """The desk, once the request carries this session's CSRF token (form field or header)."""
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not same_token(desk.session.csrf, given):
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
