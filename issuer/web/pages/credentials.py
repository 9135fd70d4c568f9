"""Credentials: search and page through them (metadata only), one credential's record, and revoking,
suspending or reinstating it after a confirmation page that says what the holder will experience."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import Response

from issuer.services.credentials import (
    ACTIONS,
    STATES,
    STATUSES,
    CredentialDetail,
    CredentialFilter,
    allowed_actions,
    change_status,
    credential_detail,
    find_credentials,
)
from issuer.services.errors import ActionConflict, NotFound
from issuer.web.context import PREFIX, ConsoleRefusal, Form, StaffVisit, Visit, checked_form
from issuer.web.forms import gettext_noop

router = APIRouter(prefix=PREFIX, include_in_schema=False)
PAGE_SIZE = 25
# reason codes per action (the API accepts any [a-z_] code; the console offers these)
REASONS: dict[str, dict[str, str]] = {
    "revoke": {
        "issued_in_error": gettext_noop("Issued in error (wrong details)"),
        "duplicate": gettext_noop("Duplicate registration"),
        "fraud": gettext_noop("Fraud or false identity"),
        "lost_device": gettext_noop("Device lost or stolen"),
        "holder_request": gettext_noop("The person asked for it"),
        "deceased": gettext_noop("The person has died"),
    },
    "suspend": {
        "under_review": gettext_noop("Under review"),
        "lost_device": gettext_noop("Device lost or stolen"),
        "device_compromised": gettext_noop("Device may be compromised"),
        "holder_request": gettext_noop("The person asked for it"),
    },
    "reinstate": {
        "review_cleared": gettext_noop("Review finished: the credential is fine"),
        "device_recovered": gettext_noop("Device found again"),
        "holder_request": gettext_noop("The person asked for it"),
    },
}


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _timestamp(day: date) -> float:
    return datetime(day.year, day.month, day.day).astimezone().timestamp()


@router.get("/credentials")
def credentials(
    visit: StaffVisit,
    offer_id: str = "",
    state: str = "",
    status: str = "",
    created_from: str = "",
    created_to: str = "",
    page: int = 1,
) -> Response:
    offer_id = offer_id.strip()[:64]
    errors = {}
    first, last = _day(created_from), _day(created_to)
    if created_from and first is None:
        errors["created_from"] = visit._("Enter a date as year-month-day, for example 1990-04-01.")
    if created_to and last is None:
        errors["created_to"] = visit._("Enter a date as year-month-day, for example 1990-04-01.")
    where = CredentialFilter(
        offer_id=offer_id or None,
        state=state if state in STATES else None,
        status=status if status in STATUSES else None,
        created_from=_timestamp(first) if first else None,
        created_before=_timestamp(last + timedelta(days=1)) if last else None,
    )
    page = max(1, min(page, 100_000))
    rows, total = find_credentials(visit.db, where=where, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    query = {"offer_id": offer_id, "state": where.state or "", "status": where.status or ""}
    query |= {"created_from": created_from if first else "", "created_to": created_to if last else ""}
    return visit.page(
        "credentials.html",
        page_title=visit._("Credentials"),
        rows=rows,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / PAGE_SIZE)),
        query=query,
        errors=errors,
        states=STATES,
        statuses=STATUSES,
    )


def _not_found(visit: Visit) -> ConsoleRefusal:
    return ConsoleRefusal(
        404, visit._("Credential not found"), visit._("There is no credential with this id.")
    )


def _found_credential(visit: Visit, credential_id: str) -> CredentialDetail:
    try:
        return credential_detail(visit.db, credential_id=credential_id)
    except NotFound as exc:
        raise _not_found(visit) from exc


def _detail_page(visit: Visit, credential_id: str, *, done: str = "") -> Response:
    detail = _found_credential(visit, credential_id)
    return visit.page(
        "credential.html",
        page_title=visit._("Credential"),
        detail=detail,
        actions=allowed_actions(detail.row.status, detail.row.pending_status),
        reasons=REASONS,
        done=done if done in ACTIONS else "",
    )


@router.get("/credentials/{credential_id}")
def credential(credential_id: str, visit: StaffVisit, done: str = "") -> Response:
    return _detail_page(visit, credential_id, done=done)


def _confirm_page(
    visit: Visit, credential_id: str, action: str, *, error: str = "", status: int = 200
) -> Response:
    if action not in ACTIONS:
        raise ConsoleRefusal(404, visit._("Page not found"), visit._("Use revoke, suspend or reinstate."))
    detail = _found_credential(visit, credential_id)
    if action not in allowed_actions(detail.row.status, detail.row.pending_status):
        return _detail_page(visit, credential_id)
    return visit.page(
        "confirm_status.html",
        status=status,
        page_title=visit._("Confirm"),
        action=action,
        detail=detail,
        reasons=REASONS[action],
        error=error,
    )


@router.get("/credentials/{credential_id}/{action}")
def confirm(credential_id: str, action: str, visit: StaffVisit) -> Response:
    return _confirm_page(visit, credential_id, action)


@router.post("/credentials/{credential_id}/{action}")
def apply(credential_id: str, action: str, visit: StaffVisit, form: Form) -> Response:
    fields = checked_form(visit, form)
    assert visit.staff is not None
    reason = fields.get("reason", "")
    if action not in REASONS or reason not in REASONS[action]:
        return _confirm_page(visit, credential_id, action, error=visit._("Choose a reason."), status=422)
    try:
        change_status(
            visit.db, staff_id=visit.staff.id, credential_id=credential_id, action=action, reason=reason
        )
    except NotFound as exc:
        raise _not_found(visit) from exc
    except ActionConflict:
        return _detail_page(visit, credential_id)
    if visit.state.pipeline is not None:
        visit.state.pipeline.wake()
    return visit.redirect(f"{PREFIX}/credentials/{credential_id}?done={action}")
