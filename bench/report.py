"""One JSON line per measurement: {"bench", "metric", "value", "unit"} (plus optional extras)."""

from __future__ import annotations

import json
import sys
from typing import Any


def emit(bench: str, metric: str, value: float, unit: str, **extra: Any) -> None:
    line = {"bench": bench, "metric": metric, "value": round(value, 3), "unit": unit, **extra}
    print(json.dumps(line), flush=True)
    sys.stdout.flush()
