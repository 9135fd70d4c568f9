"""Wallet errors carry an exit code and a message written for the holder (already translated).

Exit codes (also in `nansen-wallet --help`):
  0 ok · 1 other error · 2 usage · 3 wrong passphrase · 4 not found · 5 damaged data ·
  6 network unreachable · 7 verification failed · 8 declined by the holder · 9 wallet exists / missing
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    WRONG_PASSPHRASE = 3
    NOT_FOUND = 4
    DAMAGED = 5
    UNREACHABLE = 6
    VERIFICATION_FAILED = 7
    DECLINED = 8
    WALLET_STATE = 9


EXIT_CODES_HELP = (
    "Exit codes: 0 ok, 1 error, 2 usage, 3 wrong passphrase, 4 not found, 5 damaged data, "
    "6 network unreachable, 7 verification failed, 8 declined, 9 wallet missing or already there."
)


class WalletError(Exception):
    """``message`` is one line, or the lines of a longer message: text from outside inside a line
    can never start a line of its own (wallet_cli.terminal shows a newline in it as a symbol)."""

    def __init__(self, message: str | Sequence[str], code: ExitCode = ExitCode.ERROR) -> None:
        self.lines = (message,) if isinstance(message, str) else tuple(message)
        self.message = "\n".join(self.lines)
        super().__init__(self.message)
        self.code = code
