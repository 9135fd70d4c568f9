"""Rates measured side by side: on a shared machine whose speed drifts from second to second, two
rates taken one after the other can differ by a third for no reason of their own, so functions
compared in one run take turns in short slices and each rate is summed over all its slices."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any


def interleaved_rates(
    functions: Mapping[str, Callable[[], Any]], seconds: float, *, slice_seconds: float = 0.25
) -> dict[str, float]:
    """Calls per second of each function, each given about ``seconds`` in turns of ``slice_seconds``."""
    for function in functions.values():
        function()  # warm up
    calls = dict.fromkeys(functions, 0)
    spent = dict.fromkeys(functions, 0.0)
    for _ in range(max(1, round(seconds / slice_seconds))):
        for name, function in functions.items():
            started = time.perf_counter()
            while (elapsed := time.perf_counter() - started) < slice_seconds:
                for _ in range(10):
                    function()
                calls[name] += 10
            spent[name] += elapsed
    return {name: calls[name] / spent[name] for name in functions}
