"""The issuer's health for staff: chain, queues, last anchoring, signing key registration."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from issuer.services.health import issuer_health
from issuer.web.context import PREFIX, StaffVisit

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.get("/status")
def status(visit: StaffVisit) -> Response:
    pipeline = visit.state.pipeline
    health = issuer_health(
        visit.db,
        chain=visit.state.chain,
        signing_key=visit.state.flow.signing_key,
        pipeline_error=None if pipeline is None else pipeline.last_error,
    )
    return visit.page("status.html", page_title=visit._("Service status"), health=health)


@router.get("/")
def home(visit: StaffVisit) -> Response:
    return visit.page("home.html", page_title=visit._("Staff console"))
