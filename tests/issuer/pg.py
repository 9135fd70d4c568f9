"""A throwaway PostgreSQL server from the Debian binaries, on a free loopback port.

Skips loudly where PostgreSQL cannot be had (no binaries, or not root to run it as the postgres
user); under CI (CI=true) that is a failure instead, because CI always provides it (make test
installs the Debian package)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nansen.chain.devchain import free_port


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required in CI but unavailable: {reason}")
    warnings.warn(f"PostgreSQL tests SKIPPED: {reason}", pytest.PytestWarning, stacklevel=2)
    pytest.skip(f"PostgreSQL unavailable: {reason}")


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@contextmanager
def postgres_server() -> Iterator[str]:
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        _unavailable("initdb/pg_ctl not found (apt-get install postgresql)")
    as_user: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            _unavailable("running as root without runuser")
        as_user = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="nansen-pg-"))
    data, sockets = base / "data", base / "run"
    sockets.mkdir()
    if as_user:
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    run = lambda *args: subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=60)  # noqa: E731
    try:
        run(initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        run(
            pg_ctl,
            "-D",
            str(data),
            "-w",
            "-t",
            "30",
            "-l",
            str(base / "log"),
            "-o",
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(base, ignore_errors=True)
        _unavailable(f"could not start PostgreSQL: {exc}")
    try:
        import psycopg

        deadline = time.monotonic() + 20
        while True:
            try:
                with psycopg.connect(
                    f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
                ) as c:
                    c.execute("CREATE DATABASE nansen")
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/nansen"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


def reset_schema(url: str) -> None:
    """A clean schema for each test on the shared server."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as db:
        db.execute(text("DROP SCHEMA public CASCADE"))
        db.execute(text("CREATE SCHEMA public"))
    engine.dispose()
