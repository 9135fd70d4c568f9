"""Liveness with chain freshness, and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from verifier.deps import StateDep

router = APIRouter(tags=["operations"])


@router.get("/health")
def health(state: StateDep) -> dict[str, object]:
    freshness = state.trust.freshness()
    fresh = freshness.within(state.settings.max_staleness_seconds)
    return {
        "status": "ok" if fresh else "degraded",
        "chain": {
            "block": freshness.block_number,
            "synced_seconds_ago": None if freshness.synced_at == 0 else round(freshness.age, 3),
            "within_staleness_bound": fresh,
        },
    }


@router.get("/metrics")
def metrics(state: StateDep) -> Response:
    freshness = state.trust.freshness()
    if freshness.synced_at:
        state.metrics.mirror_lag.set(freshness.age)
    state.metrics.mirror_block.set(freshness.block_number)
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
