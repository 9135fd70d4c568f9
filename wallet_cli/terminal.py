"""The one way the wallet writes to the holder's terminal.

Lines mix the wallet's own words with text from outside (a verifier's purpose and address, an
issuer's names and labels, claim names and values, an issuer's error description). Every line is
neutralised as a whole just before it is written (nansen.untrusted_text), so a caller cannot forget
to: no escape sequence, newline or bidi override from outside reaches the terminal, whichever
command prints it. Only then are Arabic lines wrapped in the wallet's own right-to-left embedding.

tests/wallet_cli/test_terminal_output.py checks that nothing in wallet_cli writes around this
module (no print, typer.echo, console.print or sys.stdout elsewhere).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console

from nansen.untrusted_text import escape_json_text, neutralise
from wallet_cli.i18n import is_rtl

RLE, PDF = "\u202b", "\u202c"  # the wallet's own right-to-left embedding for Arabic lines
# the wallet's own control sequences, for the animated offline codes (full_screen, redraw)
_HIDE_CURSOR, _SHOW_CURSOR, _CLEAR, _HOME, _CLEAR_LINE = (
    "\x1b[?25l",
    "\x1b[?25h",
    "\x1b[2J",
    "\x1b[H",
    "\x1b[K",
)


def shown(line: str) -> str:
    """A line as the terminal receives it: neutralised, then marked right-to-left in Arabic."""
    safe = neutralise(line)
    return RLE + safe + PDF if is_rtl() else safe


class Terminal:
    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console(stderr=False, soft_wrap=True)

    def say(self, line: str) -> None:
        # no markup, highlighting or :emoji: codes: "[bold]" or ":warning:" in a value is text
        self._console.print(shown(line), highlight=False, markup=False, emoji=False)

    def json(self, value: Any) -> None:
        """Machine-readable output: the same JSON value, with unsafe characters as \\u escapes."""
        sys.stdout.write(escape_json_text(json.dumps(value, ensure_ascii=False, indent=2)) + "\n")
        sys.stdout.flush()

    def code(self, drawing: str) -> None:
        """A QR code the wallet drew itself (block characters and newlines, nothing from outside)."""
        sys.stdout.write(drawing + "\n")
        sys.stdout.flush()

    def is_interactive(self) -> bool:
        return sys.stdout.isatty()

    @contextmanager
    def full_screen(self) -> Iterator[None]:
        """A cleared screen without cursor for ``redraw``; cleared again and the cursor back after."""
        sys.stdout.write(_HIDE_CURSOR + _CLEAR)
        try:
            yield
        finally:
            sys.stdout.write(_CLEAR + _HOME + _SHOW_CURSOR)
            sys.stdout.flush()

    def redraw(self, drawing: str, line: str) -> None:
        """Draws over the screen from its top: a QR code the wallet drew, then one line."""
        rows = "".join(row + _CLEAR_LINE + "\n" for row in drawing.split("\n"))
        sys.stdout.write(_HOME + rows + "\n" + shown(line) + _CLEAR_LINE)
        sys.stdout.flush()


def error(lines: Iterable[str]) -> None:
    """An error for the holder on stderr, each of the wallet's own lines neutralised."""
    for line in lines:
        typer.echo(shown(line), err=True)
