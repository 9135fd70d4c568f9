"""Admins manage officers (a new token is shown once) and the check presets. Removing asks first,
on a page of its own."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from nansen.openid4vp.errors import DcqlError
from verifier.officers import ROLES
from verifier.presets import PresetError, new_preset
from verifier.web.deps import AdminDesk, AdminViewDesk, Desk
from verifier.web.rendering import PREFIX, redirect, render
from verifier.web.untrusted import neutral

router = APIRouter(prefix=f"{PREFIX}/admin", include_in_schema=False)


def _officers_page(request: Request, desk: Desk, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    return render(
        request,
        "admin_officers.html",
        status_code=status_code,
        session=desk.session,
        officer=desk.officer,
        officers=desk.state.officers.listing(),
        roles=ROLES,
        **context,
    )


@router.get("/officers")
def officers(request: Request, desk: AdminViewDesk) -> HTMLResponse:
    return _officers_page(request, desk)


@router.post("/officers")
def add_officer(
    request: Request,
    desk: AdminDesk,
    name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=20)] = "officer",
) -> HTMLResponse:
    name = neutral(name.strip(), limit=80)
    if not name or role not in ROLES:
        return _officers_page(request, desk, error="name", name=name, status_code=400)
    token = desk.state.officers.add(name, "admin" if role == "admin" else "officer")
    return render(
        request, "admin_token.html", session=desk.session, officer=desk.officer, name=name, token=token
    )


def _confirm_removal(request: Request, desk: Desk, what: str, label: str | None, path: str) -> HTMLResponse:
    """One confirmation page per removal; 404 when ``label`` is None (nothing by that id)."""
    listing = path.split("/", 1)[0]
    return render(
        request,
        "admin_confirm.html",
        status_code=200 if label is not None else 404,
        session=desk.session,
        officer=desk.officer,
        what=what,
        label=label,
        action=f"{PREFIX}/admin/{path}/remove",
        cancel_url=f"{PREFIX}/admin/{listing}",
    )


@router.get("/officers/{handle}/remove")
def confirm_remove_officer(request: Request, handle: str, desk: AdminViewDesk) -> HTMLResponse:
    who = next((o for h, o in desk.state.officers.listing() if h == handle), None)
    return _confirm_removal(request, desk, "officer", who.name if who else None, f"officers/{handle}")


@router.post("/officers/{handle}/remove")
def remove_officer(request: Request, handle: str, desk: AdminDesk) -> Response:
    desk.state.officers.remove(handle)
    return redirect(request, f"{PREFIX}/admin/officers", session=desk.session)


def _presets_page(request: Request, desk: Desk, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    return render(
        request,
        "admin_presets.html",
        status_code=status_code,
        session=desk.session,
        officer=desk.officer,
        presets=desk.console.presets.all(),
        **context,
    )


@router.get("/presets")
def presets(request: Request, desk: AdminViewDesk) -> HTMLResponse:
    return _presets_page(request, desk)


@router.post("/presets")
def add_preset(
    request: Request,
    desk: AdminDesk,
    name: Annotated[str, Form(max_length=200)] = "",
    credential_type: Annotated[str, Form(max_length=600)] = "",
    claims: Annotated[str, Form(max_length=2000)] = "",
    purpose: Annotated[str, Form(max_length=600)] = "",
) -> Response:
    form = {"name": name, "credential_type": credential_type, "claims": claims, "purpose": purpose}
    try:
        preset = new_preset(name=name, credential_type=credential_type, claims_text=claims, purpose=purpose)
    except PresetError as exc:
        return _presets_page(
            request, desk, form=form, error_field=exc.field, error=exc.user_message, status_code=400
        )
    except DcqlError as exc:  # the claims cannot be asked for in a DCQL query
        return _presets_page(
            request, desk, form=form, error_field="claims", error=exc.user_message, status_code=400
        )
    desk.console.presets.add(preset)
    return redirect(request, f"{PREFIX}/admin/presets", session=desk.session)


@router.get("/presets/{preset_id}/remove")
def confirm_remove_preset(request: Request, preset_id: str, desk: AdminViewDesk) -> HTMLResponse:
    preset = desk.console.presets.get(preset_id)
    return _confirm_removal(request, desk, "preset", preset.name if preset else None, f"presets/{preset_id}")


@router.post("/presets/{preset_id}/remove")
def remove_preset(request: Request, preset_id: str, desk: AdminDesk) -> Response:
    desk.console.presets.remove(preset_id)
    return redirect(request, f"{PREFIX}/admin/presets", session=desk.session)
