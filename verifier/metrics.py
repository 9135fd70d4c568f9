"""Prometheus metrics: verifications by verdict, mirror lag, request latency. No labels that
could carry personal data (no claim names or values, no request ids)."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Receive, Scope, Send


class VerifierMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.verifications = Counter(
            "nansen_verifications", "Verifications by verdict", ["verdict"], registry=self.registry
        )
        self.mirror_lag = Gauge(
            "nansen_mirror_lag_seconds", "Seconds since the chain mirror last synced", registry=self.registry
        )
        self.mirror_block = Gauge(
            "nansen_mirror_block", "Block the chain mirror is synced to", registry=self.registry
        )
        self.latency = Histogram(
            "nansen_http_request_seconds", "HTTP request latency", ["route"], registry=self.registry
        )
        self._route_latency: dict[str, Any] = {}
        self._verdicts: dict[str, Any] = {}

    def route_latency(self, route: str) -> Any:
        """The latency histogram of one route (the labelled child, looked up once per route)."""
        child = self._route_latency.get(route)
        if child is None:
            child = self._route_latency[route] = self.latency.labels(route=route)
        return child

    def verdict_counter(self, verdict: str) -> Any:
        """The counter of one verdict (looked up once per verdict)."""
        child = self._verdicts.get(verdict)
        if child is None:
            child = self._verdicts[verdict] = self.verifications.labels(verdict=verdict)
        return child


class LatencyMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware overhead): observes latency by route template."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        await self.app(scope, receive, send)
        route: Any = scope.get("route")
        service = getattr(scope["app"].state, "service", None)
        if service is not None:
            label = getattr(route, "path", "unmatched")
            service.metrics.route_latency(label).observe(time.perf_counter() - started)
