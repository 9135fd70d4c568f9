"""Status list token, health."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import func, select

from issuer.deps import SessionDep, StateDep
from issuer.http_cache import cached_document
from issuer.models import Credential
from issuer.status_list import REFRESH_SECONDS
from nansen.errors import ChainError

router = APIRouter(tags=["operations"])


@router.get("/status-list")
def status_list(request: Request, state: StateDep) -> Response:
    if state.status_lists is None:
        raise HTTPException(503, "The status list is not available (no chain connection).")
    try:
        token = state.status_lists.token()
    except ChainError as exc:
        raise HTTPException(503, "The status list is not available: the chain cannot be read now.") from exc
    return cached_document(
        request, token.encode(), media_type="application/statuslist+jwt", max_age=int(REFRESH_SECONDS)
    )


@router.get("/health")
def health(state: StateDep, session: SessionDep) -> dict[str, object]:
    queued = session.scalar(select(func.count()).select_from(Credential).where(Credential.state == "queued"))
    pipeline = state.pipeline
    return {
        "status": "ok" if pipeline is None or pipeline.last_error is None else "degraded",
        "queued_credentials": queued,
        "pipeline_error": None if pipeline is None else pipeline.last_error,
    }
