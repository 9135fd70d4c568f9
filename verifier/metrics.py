"""Prometheus metrics: verifications by verdict, mirror lag, request latency. No labels that
could carry personal data (no claim names or values, no request ids)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


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
