"""Console sessions: a signed cookie naming the officer (by the hash of their token), a CSRF token
and when the session was last used. Nothing is kept on the server, so every worker process accepts
it; an officer removed from officers.json loses every session at once, since each request looks the
officer up again. The signing key is created once in the data folder (0600)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from verifier.json_file import exclusive

COOKIE = "nansen_console"
SIGN_IN_COOKIE = "nansen_console_sign_in"  # the sign-in form's CSRF token, before any session exists
KEY_BYTES = 32


@dataclass(frozen=True)
class ConsoleSession:
    officer_digest: str
    csrf: str
    last_seen: float


def load_or_create_key(path: Path) -> bytes:
    """The cookie-signing key in ``path``, created (mode 0600) by whichever worker starts first."""
    with exclusive(path):
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            key = b""
        if len(key) != KEY_BYTES:
            key = secrets.token_bytes(KEY_BYTES)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionSigner:
    def __init__(self, key: bytes, *, idle_timeout: float, clock: Callable[[], float] = time.time) -> None:
        self._key = key
        self.idle_timeout = idle_timeout
        self._clock = clock

    def new(self, officer_digest: str) -> ConsoleSession:
        return ConsoleSession(officer_digest, secrets.token_urlsafe(24), self._clock())

    def touched(self, session: ConsoleSession) -> ConsoleSession:
        return ConsoleSession(session.officer_digest, session.csrf, self._clock())

    def dump(self, session: ConsoleSession) -> str:
        payload = _b64(json.dumps([session.officer_digest, session.csrf, round(session.last_seen)]).encode())
        return payload + "." + self._mac(payload)

    def load(self, cookie: str | None) -> ConsoleSession | None:
        """The session in a cookie, or None when absent, forged, malformed or idle too long."""
        if not cookie or cookie.count(".") != 1:
            return None
        payload, mac = cookie.split(".")
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            digest, csrf, last_seen = json.loads(_unb64(payload))
        except (ValueError, TypeError):
            return None
        if self._clock() - float(last_seen) > self.idle_timeout:
            return None
        return ConsoleSession(str(digest), str(csrf), float(last_seen))

    def sign_in_token(self) -> str:
        return secrets.token_urlsafe(24)

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest())


def same_token(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
