"""What the anchoring pipeline reports about itself, for /health and /metrics in every worker.

Only the process holding the anchoring lease runs the pipeline; the other uvicorn workers answer
/health too, so the holder publishes its report to a small file beside the data (atomic replace,
at every change and every few seconds), which the other workers of the host show. The holder's own
report going silent (a pass stuck for over 30 s) is itself a reason to say "degraded".
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from issuer.settings import IssuerSettings

HEARTBEAT_SECONDS = 5.0
STALE_AFTER_SECONDS = 30.0  # a holder's report this old: no process is anchoring

PipelineStatus = Literal["ok", "degraded", "standby"]


@dataclass(frozen=True)
class PipelineReport:
    status: PipelineStatus  # standby: another process holds the lease and anchors
    reason: str | None  # why degraded, in words an operator can act on
    warning: str | None  # not failing yet, but soon (the chain account runs low)
    failing_since: float | None  # when the current run of failures began
    failures: int  # failures since the last success
    balance_wei: int | None  # the chain account's balance when last read
    updated_at: float


class PipelineHealth:
    """Thread-safe: the pipeline thread writes, request handlers read."""

    def __init__(self, path: Path | None, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        self.started_at = clock()
        self._report = PipelineReport("standby", None, None, None, 0, None, self.started_at)
        self._published_at = 0.0

    def current(self) -> PipelineReport:
        with self._lock:
            return self._report

    def standby(self) -> None:
        self._update(status="standby", reason=None, failing_since=None, failures=0)

    def succeeded(self) -> None:
        self._update(status="ok", reason=None, failing_since=None, failures=0)

    def failed(self, reason: str) -> PipelineReport:
        with self._lock:
            since = self._report.failing_since or self._clock()
            failures = self._report.failures + 1
        return self._update(status="degraded", reason=reason, failing_since=since, failures=failures)

    def funds(self, balance_wei: int, warning: str | None) -> None:
        self._update(balance_wei=balance_wei, warning=warning)

    def _update(self, **changes: object) -> PipelineReport:
        with self._lock:
            before = self._report
            now = self._clock()
            self._report = replace(before, updated_at=now, **changes)  # type: ignore[arg-type]
            changed = replace(before, updated_at=0) != replace(self._report, updated_at=0)
            due = changed or now - self._published_at >= HEARTBEAT_SECONDS
            if due and self._report.status != "standby":
                self._published_at = now
                self._publish(self._report)
            return self._report

    def _publish(self, report: PipelineReport) -> None:
        if self.path is None:
            return
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):  # a full disk must not stop anchoring; /health says stale
            tmp.write_text(json.dumps(asdict(report)))
            tmp.replace(self.path)


def published_report(path: Path | None) -> PipelineReport | None:
    """The lease holder's last report, or None when there is none or it cannot be read."""
    if path is None:
        return None
    try:
        raw = json.loads(path.read_text())
        return PipelineReport(**raw)
    except (OSError, ValueError, TypeError):
        return None


def describe_health(
    own: PipelineReport | None, published: PipelineReport | None, *, now: float
) -> dict[str, object]:
    """The pipeline's part of /health: this process's report if it anchors, else the lease holder's.
    ``own`` is None when this process runs no pipeline (NANSEN_ISSUER_WORKER_ENABLED=false)."""
    ok: dict[str, object] = {"status": "ok", "reason": None, "warning": None}
    if own is None:
        return ok
    if own.status == "standby":
        # Another process holds the lease, so it is alive (a dead holder's lease is released). Its
        # report is here when it runs on this host and is fresh; one from another host is not.
        if (
            published is None
            or published.status == "standby"
            or now - published.updated_at > STALE_AFTER_SECONDS
        ):
            return ok
        return {"status": published.status, "reason": published.reason, "warning": published.warning}
    silent = now - own.updated_at
    if silent > STALE_AFTER_SECONDS:
        return {
            "status": "degraded",
            "reason": f"the anchoring pipeline has not reported for {silent:.0f} s (stuck waiting for the "
            "chain, or stopped)",
            "warning": own.warning,
        }
    return {"status": own.status, "reason": own.reason, "warning": own.warning}


def health_file(settings: IssuerSettings) -> Path:
    """Beside the SQLite database; in the data folder with PostgreSQL (workers of one host share it)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings.data_dir / "anchoring-health.json"
