"""A small JSON list kept in one file (officers, presets): writers serialise on a lock file beside it
and replace the file atomically, so a reader never sees half a file and two writers lose no entry."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from nansen.atomic_file import replace_private


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Serialises writers of ``path`` (several processes) on a lock file beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def replace(path: Path, text: str) -> None:
    """The whole file replaced atomically with ``text`` (nansen.atomic_file)."""
    replace_private(path, text.encode("utf-8"))
