"""HTTP load with wrk (Debian package, installed by `make system-deps`): a compiled load generator
costs the server's cores far less than a Python one, so the server is what gets measured.

Each request body is used once: the bodies are split between wrk's threads, and a thread stops when
its share runs out (requests then counted as exhausted, and the figure refused).
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_SCRIPT = r"""
local threads = {}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- every request is formatted once, before the clock starts; answers are counted from wrk's own
-- summary (no per-response Lua callback), so the load generator spends as little CPU as it can
function init(args)
  local n, id = tonumber(args[2]), wrk.thread:get("id")
  local method, path, headers = args[3], args[4], {}
  for k, v in string.gmatch(args[5] or "", "([^\n:]+): ([^\n]+)") do headers[k] = v end
  prepared, sent, exhausted = {}, 0, 0
  local i = 0
  for line in io.lines(args[1]) do
    if i % n == id then table.insert(prepared, wrk.format(method, path, headers, line)) end
    i = i + 1
  end
  repeat_one = #prepared == 0  -- no bodies: the same request again and again
  if repeat_one then prepared[1] = wrk.format(method, path, headers) end
end

function request()
  if repeat_one then return prepared[1] end
  sent = sent + 1
  local prepared_request = prepared[sent]
  if prepared_request == nil then
    exhausted = exhausted + 1
    return prepared[#prepared]
  end
  return prepared_request
end

function done(summary, latency, requests)
  local exhausted_total = 0
  for _, t in ipairs(threads) do exhausted_total = exhausted_total + t:get("exhausted") end
  local refused = summary.errors.status
  io.write(string.format(
    '{"seconds": %f, "completed": %d, "ok": %d, "other": %d, "exhausted": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.duration / 1e6, summary.requests, summary.requests - refused, refused, exhausted_total,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class WrkResult:
    seconds: float
    ok: int
    other: int
    exhausted: int
    p50_ms: float
    p99_ms: float
    client_cpu_seconds: float  # wrk's own CPU (user + system): it shares the machine's cores

    @property
    def ok_rate(self) -> float:
        return self.ok / self.seconds


def available() -> bool:
    return shutil.which("wrk") is not None


def run(
    url: str,
    *,
    method: str = "GET",
    bodies: list[bytes] | None = None,
    headers: dict[str, str] | None = None,
    seconds: int = 5,
    connections: int = 32,
    threads: int = 2,
) -> WrkResult:
    base, _, path = url.partition("://")[2].partition("/")
    with tempfile.TemporaryDirectory() as tmp:
        script, data = Path(tmp) / "bench.lua", Path(tmp) / "bodies.txt"
        script.write_text(_SCRIPT)
        data.write_bytes(b"\n".join(bodies or []) + (b"\n" if bodies else b""))
        header_text = "\n".join(f"{k}: {v}" for k, v in (headers or {}).items())
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        output = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "5s",
                "-s",
                str(script),
                url.partition("://")[0] + "://" + base,
                "--",
                str(data),
                str(threads),
                method,
                "/" + path,
                header_text,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        ).stdout
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = json.loads(output.strip().splitlines()[-1])
    return WrkResult(
        seconds=figures["seconds"],
        ok=figures["ok"],
        other=figures["other"],
        exhausted=figures["exhausted"],
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        client_cpu_seconds=after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
    )
