"""The pipeline's state for /health and as Prometheus gauges (no labels, nothing personal)."""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest

from issuer.deps import IssuerState
from issuer.pipeline_health import describe_health, published_report

__all__ = ["CONTENT_TYPE_LATEST", "describe_pipeline", "pipeline_metrics"]


def describe_pipeline(state: IssuerState) -> dict[str, object]:
    pipeline = state.pipeline
    if pipeline is None:
        return describe_health(None, None, now=time.time())
    own = pipeline.health.current()
    if not pipeline.alive() and own.status != "standby":
        return {"status": "degraded", "reason": "the anchoring thread has stopped", "warning": own.warning}
    published = published_report(pipeline.health.path) if own.status == "standby" else None
    return describe_health(own, published, now=time.time())


def pipeline_metrics(state: IssuerState, queued: int) -> bytes:
    """Built per scrape from the current report: scrapes are rare and the gauges are few."""
    registry = CollectorRegistry()
    described = describe_pipeline(state)
    Gauge("nansen_issuer_pipeline_degraded", "1 while credentials cannot be anchored", registry=registry).set(
        1 if described["status"] == "degraded" else 0
    )
    Gauge(
        "nansen_issuer_chain_balance_low", "1 while the chain account pays for few batches", registry=registry
    ).set(1 if described["warning"] else 0)
    Gauge("nansen_issuer_queued_credentials", "Credentials waiting to be anchored", registry=registry).set(
        queued
    )
    report = None if state.pipeline is None else state.pipeline.health.current()
    if report is not None and report.status != "standby":
        Gauge(
            "nansen_issuer_pipeline_failures", "Anchoring failures since the last success", registry=registry
        ).set(report.failures)
        if report.balance_wei is not None:
            Gauge("nansen_issuer_chain_balance_wei", "The chain account's balance", registry=registry).set(
                report.balance_wei
            )
    return generate_latest(registry)
