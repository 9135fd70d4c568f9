"""Every message the console shows, as the catalogues must translate it: the ``_("…")`` calls in
templates and modules and the ``N_("…")`` marks (a test checks each catalogue has them all).

Run ``python -m verifier.web.messages`` to list them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

WEB = Path(__file__).parent
_TEMPLATE_CALL = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def msgids() -> set[str]:
    found: set[str] = set()
    for template in (WEB / "templates").glob("*.html"):
        for double, single in _TEMPLATE_CALL.findall(template.read_text(encoding="utf-8")):
            found.add(double or single)
    for module in [*WEB.glob("*.py"), WEB.parent / "presets.py"]:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


if __name__ == "__main__":
    for message in sorted(msgids()):
        print(repr(message))
