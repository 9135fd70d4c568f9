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
        self._children: dict[tuple[Any, str], Any] = {}

    def route_latency(self, route: str) -> Any:
        """The latency histogram of one route."""
        return self._child(self.latency, route)

    def verdict_counter(self, verdict: str) -> Any:
        """The counter of one verdict."""
        return self._child(self.verifications, verdict)

    def _child(self, metric: Any, label: str) -> Any:
        """A one-label metric's child for ``label``, looked up once (``labels`` takes a lock and
        builds a key on every call, on every request)."""
        key = (metric, label)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(label)
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
