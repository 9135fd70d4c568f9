"""Status list token, health."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from sqlalchemy import func, select

from issuer.deps import SessionDep, StateDep
from issuer.models import Credential

router = APIRouter(tags=["operations"])


@router.get("/status-list")
def status_list(state: StateDep) -> Response:
    if state.status_lists is None:
        raise HTTPException(503, "The status list is not available (no chain connection).")
    return Response(state.status_lists.token(), media_type="application/statuslist+jwt")


@router.get("/health")
def health(state: StateDep, session: SessionDep) -> dict[str, object]:
    queued = session.scalar(select(func.count()).select_from(Credential).where(Credential.state == "queued"))
    pipeline = state.pipeline
    return {
        "status": "ok" if pipeline is None or pipeline.last_error is None else "degraded",
        "queued_credentials": queued,
        "pipeline_error": None if pipeline is None else pipeline.last_error,
    }
