"""Liveness with chain freshness and the reason when degraded, and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from verifier.deps import StateDep
from verifier.service import STALE_DETAIL

router = APIRouter(tags=["operations"])


@router.get("/health")
def health(state: StateDep) -> dict[str, object]:
    """Answers 200 while the service runs: "degraded" says verdicts are "unknown" for now, and why."""
    freshness = state.link.freshness()
    fresh = freshness.within(state.settings.max_staleness_seconds)
    # a problem is reported even while the mirror is still fresh: it says what will go stale
    problem = state.link.problem()
    if problem is not None:
        reason, detail = problem.reason, problem.detail
    elif not fresh:
        reason, detail = "mirror_stale", STALE_DETAIL
    else:
        reason, detail = None, None
    return {
        "status": "ok" if fresh else "degraded",
        "reason": reason,
        "detail": detail,
        "warning": state.link.warning(),
        "chain": {
            "block": freshness.block_number,
            "synced_seconds_ago": None if freshness.synced_at == 0 else round(freshness.age, 3),
            "within_staleness_bound": fresh,
            "max_staleness_seconds": state.settings.max_staleness_seconds,
        },
    }


@router.get("/metrics")
def metrics(state: StateDep) -> Response:
    freshness = state.link.freshness()
    if freshness.synced_at:
        state.metrics.mirror_lag.set(freshness.age)
    state.metrics.mirror_block.set(freshness.block_number)
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
