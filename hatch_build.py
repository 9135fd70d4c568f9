"""Build hook: compiles the one C module, ``nansen/crypto/_native*.c`` (ES256 verification on the
system's OpenSSL libcrypto, strict JSON, the canonical leaf), next to its sources, and ships it in
the wheel.

Needs a C compiler, the Python headers and OpenSSL's headers (Debian: libssl-dev, which
``make system-deps`` installs). ``NANSEN_PURE_PYTHON=1`` skips it: everything then verifies through
``cryptography`` alone, correct and about a third slower on the verify path.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("nansen/crypto/_native.c")  # the module; its other files sit beside it


def build_extension(root: Path) -> Path:
    source = root / SOURCE
    sources = sorted(source.parent.glob("_native*.c"))
    target = source.with_name("_native" + sysconfig.get_config_var("EXT_SUFFIX"))
    newest = max(p.stat().st_mtime for p in [*sources, source.with_suffix(".h")])
    if target.exists() and target.stat().st_mtime >= newest:
        return target
    compiler = shlex.split(sysconfig.get_config_var("CC") or "cc")
    command = [
        *compiler,
        "-O2",
        "-Wall",
        "-fPIC",
        "-shared",
        f"-I{sysconfig.get_paths()['include']}",
        *map(str, sources),
        "-o",
        str(target) + ".tmp",
        "-lcrypto",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(
            f"could not compile {SOURCE}: {done.stderr.strip()[-2000:]}\n"
            "It needs a C compiler and OpenSSL's headers (Debian: apt-get install gcc libssl-dev, or "
            "`make system-deps` as root). NANSEN_PURE_PYTHON=1 builds without it (slower verification)."
        )
    os.replace(str(target) + ".tmp", target)
    return target


class NativeBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("NANSEN_PURE_PYTHON") == "1":
            return
        built = build_extension(Path(self.root))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":  # an editable install imports it from the source tree
            build_data["force_include"][str(built)] = str(SOURCE.with_name(built.name))
