"""Crash-safe file writes: temp file in the same folder, fsync, rename, fsync of the folder."""

from __future__ import annotations

import os
from pathlib import Path

TMP_SUFFIX = ".tmp-nansen"


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TMP_SUFFIX}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:  # named after the file the holder asked for, not our temporary name
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _crash_point("before-rename")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_stale_temp_files(directory: Path) -> int:
    removed = 0
    for stale in directory.rglob(f"*{TMP_SUFFIX}"):
        stale.unlink(missing_ok=True)
        removed += 1
    return removed


def _crash_point(name: str) -> None:
    """Fault injection for the crash-safety test: NANSEN_WALLET_CRASH_AT=<name> kills the process."""
    if os.environ.get("NANSEN_WALLET_CRASH_AT") == name:
        os._exit(137)
