"""Wallet errors carry an exit code and a message written for the holder (already translated).

Exit codes (also in `nansen-wallet --help`):
  0 ok · 1 other error · 2 usage · 3 wrong passphrase · 4 not found · 5 damaged data ·
  6 network unreachable · 7 verification failed · 8 declined by the holder · 9 wallet exists / missing
"""

from __future__ import annotations

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
    def __init__(self, message: str, code: ExitCode = ExitCode.ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
