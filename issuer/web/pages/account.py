"""Signing in with a staff token (once; then a session cookie), signing out here or everywhere, and
the console language."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from issuer import audit
from issuer.services.staff import sign_out_everywhere, staff_by_token
from issuer.web.context import LANGUAGE_COOKIE, PREFIX, AnyVisit, Form, StaffVisit, checked_form
from nansen.webui.languages import supported
from nansen.webui.sessions import cookie_attributes

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _next(unverified: str | None) -> str:
    """Only a console path of this site (never another site: an open redirect)."""
    if (
        unverified
        and unverified.startswith(f"{PREFIX}/")
        and "//" not in unverified
        and "\\" not in unverified
    ):
        return unverified
    return f"{PREFIX}/"


@router.get("/sign-in")
def sign_in_page(visit: AnyVisit, next: str = "", reason: str = "") -> Response:
    if visit.staff is not None:
        return visit.redirect(_next(next))
    return visit.page(
        "sign_in.html", page_title=visit._("Sign in"), next_path=_next(next), reason=reason, error=""
    )


@router.post("/sign-in")
def sign_in(request: Request, visit: AnyVisit, form: Form) -> Response:
    fields = checked_form(visit, form)
    client = request.client.host if request.client else "unknown"
    throttle = visit.state.throttle
    next_path = _next(fields.get("next"))
    error = ""
    token = fields.get("token", "")
    if throttle.blocked(client, token):  # issuer/throttle.py: per token prefix and per address
        error = visit._("Too many failed sign-ins from this computer. Wait a minute and try again.")
    else:
        staff = staff_by_token(visit.db, token) if 0 < len(token) <= 200 else None
        if staff is None:
            throttle.failed(client, token)
            error = visit._("This staff token is not valid. Check it and try again, or ask an administrator.")
        else:
            visit.sign_in(staff)
            audit.record(visit.db, staff_id=staff.id, action="console_signed_in")
            visit.db.commit()
            return visit.redirect(next_path)
    return visit.page(
        "sign_in.html", status=401, page_title=visit._("Sign in"), next_path=next_path, reason="", error=error
    )


@router.post("/sign-out")
def sign_out(visit: StaffVisit, form: Form) -> Response:
    checked_form(visit, form)
    visit.sign_out()
    return visit.redirect(f"{PREFIX}/sign-in?reason=signed_out")


@router.get("/account")
def account(visit: StaffVisit) -> Response:
    return visit.page("account.html", page_title=visit._("Your account"))


@router.post("/account/sign-out-everywhere")
def everywhere(visit: StaffVisit, form: Form) -> Response:
    checked_form(visit, form)
    assert visit.staff is not None
    sign_out_everywhere(visit.db, staff_id=visit.staff.id, by_staff_id=visit.staff.id)
    visit.sign_out()
    return visit.redirect(f"{PREFIX}/sign-in?reason=signed_out_everywhere")


@router.post("/language")
def choose_language(visit: AnyVisit, form: Form) -> Response:
    fields = checked_form(visit, form)
    language = supported(fields.get("language"))
    if language is not None:
        if visit.staff is not None:
            visit.staff.language = language
            visit.db.commit()
        visit.language = language
    response = visit.redirect(_next(fields.get("next")))
    if language is not None:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=365 * 86_400, **cookie_attributes(secure=visit.kit.secure)
        )
    return response
