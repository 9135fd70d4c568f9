"""Status list token, health, metrics."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import func, select

from issuer.deps import SessionDep, StateDep
from issuer.http_cache import cached_document
from issuer.metrics import CONTENT_TYPE_LATEST, describe_pipeline, pipeline_metrics
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
    """200 while the service runs; "degraded" with the reason while credentials cannot be anchored."""
    queued = _waiting(session)
    pipeline = describe_pipeline(state)
    return {
        "status": pipeline["status"],
        "reason": pipeline["reason"],
        "warning": pipeline["warning"],
        "queued_credentials": queued,
        "pipeline_error": pipeline["reason"],  # the earlier name of "reason"
    }


@router.get("/metrics")
def metrics(state: StateDep, session: SessionDep) -> Response:
    """Prometheus: whether anchoring is degraded, the chain account's balance, queued credentials."""
    return Response(pipeline_metrics(state, _waiting(session)), media_type=CONTENT_TYPE_LATEST)


def _waiting(session: SessionDep) -> int:
    """Credentials not yet anchored: queued, or in a batch whose anchor is not mined yet."""
    count = session.scalar(
        select(func.count()).select_from(Credential).where(Credential.state.in_(("queued", "batched")))
    )
    return int(count or 0)
