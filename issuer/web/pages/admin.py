"""For administrators: staff members (add, deactivate, sign out everywhere) and the audit log."""

from __future__ import annotations

import math

from fastapi import APIRouter
from fastapi.responses import Response

from issuer.models import Staff
from issuer.services.errors import StaffActionRefused
from issuer.services.staff import (
    ROLES,
    audit_entries,
    create_staff,
    deactivate_staff,
    get_staff,
    list_staff,
    sign_out_everywhere,
)
from issuer.web.context import PREFIX, AdminVisit, ConsoleRefusal, Form, Visit, checked_form
from issuer.web.forms import gettext_noop

router = APIRouter(prefix=PREFIX, include_in_schema=False)
AUDIT_PAGE = 50
ACTIONS = {  # what each audit action means, in plain words
    "offer_created": gettext_noop("Registered a person (offer created)"),
    "offer_locked": gettext_noop("Offer locked after wrong codes"),
    "credential_delivered": gettext_noop("Credential delivered to the wallet"),
    "credential_revoke": gettext_noop("Revoked a credential"),
    "credential_suspend": gettext_noop("Suspended a credential"),
    "credential_reinstate": gettext_noop("Reinstated a credential"),
    "staff_created": gettext_noop("Added a staff member"),
    "staff_deactivated": gettext_noop("Deactivated a staff member"),
    "staff_signed_out_everywhere": gettext_noop("Signed a member out everywhere"),
    "console_signed_in": gettext_noop("Signed in to the console"),
}
MEMBER_ACTIONS = {"deactivate", "sign-out-everywhere"}
# the service's refusals, shown translated
REFUSALS = (
    gettext_noop("You cannot deactivate yourself; ask another administrator."),
    gettext_noop("This staff member is already deactivated."),
    gettext_noop("The last active administrator cannot be deactivated."),
)


def _staff_page(
    visit: Visit,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return visit.page(
        "staff.html",
        status=status,
        page_title=visit._("Staff"),
        members=list_staff(visit.db),
        roles=ROLES,
        errors=errors or {},
        values=values or {"role": "officer"},
    )


@router.get("/staff")
def staff(visit: AdminVisit) -> Response:
    return _staff_page(visit)


@router.post("/staff")
def add_staff(visit: AdminVisit, form: Form) -> Response:
    fields = checked_form(visit, form)
    assert visit.staff is not None
    name, role = fields.get("name", "").strip(), fields.get("role", "")
    errors = {}
    if not 0 < len(name) <= 200:
        errors["name"] = visit._("Enter a name of 1 to 200 characters.")
    if role not in ROLES:
        errors["role"] = visit._("Choose one.")
    if errors:
        return _staff_page(visit, errors=errors, values={"name": name, "role": role}, status=422)
    member, token = create_staff(visit.db, admin_id=visit.staff.id, name=name, role=role)
    return visit.page(
        "staff_created.html", page_title=visit._("Staff member added"), member=member, token=token
    )


def _member(visit: Visit, staff_id: int, action: str) -> Staff:
    if action not in MEMBER_ACTIONS:
        raise ConsoleRefusal(404, visit._("Page not found"), visit._("There is no such page."))
    try:
        return get_staff(visit.db, staff_id)
    except StaffActionRefused as exc:
        raise ConsoleRefusal(
            404, visit._("Staff member not found"), visit._("There is no staff member with this id.")
        ) from exc


@router.get("/staff/{staff_id}/{action}")
def confirm_member_action(staff_id: int, action: str, visit: AdminVisit) -> Response:
    member = _member(visit, staff_id, action)
    return visit.page(
        "staff_confirm.html", page_title=visit._("Confirm"), member=member, action=action, error=""
    )


@router.post("/staff/{staff_id}/{action}")
def member_action(staff_id: int, action: str, visit: AdminVisit, form: Form) -> Response:
    checked_form(visit, form)
    assert visit.staff is not None
    member = _member(visit, staff_id, action)
    try:
        if action == "deactivate":
            deactivate_staff(visit.db, admin_id=visit.staff.id, staff_id=member.id)
        else:
            sign_out_everywhere(visit.db, staff_id=member.id, by_staff_id=visit.staff.id)
    except StaffActionRefused as exc:
        visit.db.rollback()
        return visit.page(
            "staff_confirm.html",
            status=409,
            page_title=visit._("Confirm"),
            member=member,
            action=action,
            error=visit._(exc.user_message),
        )
    if member.id == visit.staff.id:  # signed yourself out everywhere: this session too
        visit.sign_out()
        return visit.redirect(f"{PREFIX}/sign-in?reason=signed_out_everywhere")
    return visit.redirect(f"{PREFIX}/staff")


@router.get("/audit")
def audit(visit: AdminVisit, page: int = 1) -> Response:
    page = max(1, min(page, 1_000_000))
    rows, total = audit_entries(visit.db, limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE)
    return visit.page(
        "audit.html",
        page_title=visit._("Audit log"),
        rows=rows,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / AUDIT_PAGE)),
        actions=ACTIONS,
    )
