"""What /health says about anchoring in each worker: the lease holder's own report, shared through a
file with the other workers of the host; a holder whose pass is stuck is degraded."""

from __future__ import annotations

from pathlib import Path

from issuer.pipeline_health import STALE_AFTER_SECONDS, PipelineHealth, describe_health, published_report


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_holders_report_reaches_the_other_workers_and_goes_stale(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "anchoring-health.json"
    holder, other = PipelineHealth(path, clock=clock), PipelineHealth(path, clock=clock)
    other.standby()
    holder.failed("account 0xabc has no ETH on chain 31337; fund it")
    described = describe_health(other.current(), published_report(path), now=clock.now)
    assert described == {
        "status": "degraded",
        "reason": "account 0xabc has no ETH on chain 31337; fund it",
        "warning": None,
    }
    holder.succeeded()
    holder.funds(10**15, "chain account 0xabc has 0.001 ETH, ...; fund it soon")
    described = describe_health(other.current(), published_report(path), now=clock.now)
    assert described["status"] == "ok" and described["warning"] is not None
    clock.now += STALE_AFTER_SECONDS + 1
    # the holder itself, silent that long: a pass is stuck
    stuck = describe_health(holder.current(), None, now=clock.now)
    assert stuck["status"] == "degraded" and "has not reported for 31 s" in str(stuck["reason"])
    # a stale file (say, from a holder on another host that took over): the lease holder is alive
    assert describe_health(other.current(), published_report(path), now=clock.now)["status"] == "ok"


def test_a_damaged_report_file_is_no_report(tmp_path: Path) -> None:
    path = tmp_path / "anchoring-health.json"
    path.write_text("{not json")
    assert published_report(path) is None
    assert describe_health(None, None, now=0)["status"] == "ok"
