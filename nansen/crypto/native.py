"""The C module (``nansen/crypto/_native*.c``, compiled by ``hatch_build.py``), or None when the
package was built with ``NANSEN_PURE_PYTHON=1``.

Each fast path that uses it keeps a Python route with the same results (tests compare the two), so
callers take ``native.x if native else python_x`` and nothing else changes.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def _load() -> ModuleType | None:
    try:
        return importlib.import_module("nansen.crypto._native")
    except ImportError:
        return None


native = _load()
