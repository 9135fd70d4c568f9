"""Chain accounts from encrypted eth-account keystore files; passphrases come from secret settings."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from eth_account import Account
from eth_account.signers.local import LocalAccount

from nansen.errors import ConfigurationError


def load_account(path: Path, passphrase: str) -> LocalAccount:
    try:
        keystore = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigurationError(
            f"keystore {path} not found",
            user_message=f"The keystore file {path} does not exist. Check the keystore path setting.",
        ) from exc
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"keystore {path} is unreadable: {type(exc).__name__}") from exc
    try:
        private_key = Account.decrypt(keystore, passphrase)
    except ValueError as exc:
        raise ConfigurationError(
            f"keystore {path} did not decrypt (wrong passphrase or damaged file)",
            user_message=f"Could not unlock {path}: the passphrase is wrong or the file is damaged.",
        ) from exc
    account: LocalAccount = Account.from_key(private_key)
    return account


def create_keystore(path: Path, passphrase: str, *, kdf: Literal["scrypt", "pbkdf2"] = "scrypt") -> str:
    """Creates a new random account in an encrypted keystore (mode 0600); returns its address.

    Refuses to overwrite an existing file, so a key is never lost by a repeated command.
    """
    if not passphrase:
        raise ConfigurationError("refusing to create a keystore with an empty passphrase")
    if path.exists():
        raise ConfigurationError(
            f"keystore {path} already exists", user_message=f"{path} already exists; not overwriting it."
        )
    account = Account.create()
    keystore = Account.encrypt(account.key, passphrase, kdf=kdf)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(keystore, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return str(account.address)


def keystore_address(path: Path) -> str:
    """The account address a keystore holds, without decrypting it."""
    try:
        keystore = json.loads(path.read_text(encoding="utf-8"))
        return "0x" + str(keystore["address"]).removeprefix("0x")
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigurationError(f"keystore {path} is unreadable: {type(exc).__name__}") from exc
