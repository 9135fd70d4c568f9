"""Files replaced whole: a reader sees the old file or the new one, never half of either, and the
new one is on disk before it is used (temp file of mode 0600 beside it, fsync, rename, fsync of the
folder so the rename itself survives a power cut)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_private(path: Path, data: bytes) -> None:
    """Writes ``data`` to ``path`` atomically, readable by this user only; creates the folder."""
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
