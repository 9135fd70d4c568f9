"""Signed session cookies and their CSRF tokens.

A session is ``v1.<base64url(JSON)>.<base64url(HMAC-SHA256)>`` under a secret only the service
holds, so any worker checks a cookie another minted and the server keeps no session table. It
carries a random id (new at every sign-in, so a session id planted before sign-in is never the one
that gets signed in: session fixation), the signed-in subject (None before sign-in), the sign-in
time (a service refuses sessions signed in before a per-person cut-off: sign out everywhere) and
the time of the last request (idle timeout). The CSRF token is an HMAC of the session id: a form
from another site cannot know it, and it changes with every sign-in.
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from hashlib import sha256
from typing import Literal, TypedDict

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.errors import EncodingError

_VERSION = "v1"
_MAX_COOKIE_CHARS = 1024
_TOUCH_EVERY_SECONDS = 30  # a cookie is re-issued at most this often (idle timeout precision)


def derive_secret(key_material: bytes, purpose: str) -> bytes:
    """A 32-byte secret for one purpose (e.g. ``"issuer console sessions"``) from a longer-lived key."""
    if len(key_material) < 16:
        raise ValueError("key material for a session secret needs at least 16 bytes")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"nansen webui {purpose} v1".encode())
    return hkdf.derive(key_material)


@dataclass(frozen=True, slots=True)
class WebSession:
    sid: str
    subject: str | None  # the signed-in person (a service's own id), None before sign-in
    issued_at: float  # when this session was created (sign-in time once signed in)
    seen_at: float  # the last request that counted as activity

    @property
    def signed_in(self) -> bool:
        return self.subject is not None


@dataclass(frozen=True, slots=True)
class Opened:
    """What a cookie turned out to be: a live session, or none and whether one just timed out."""

    session: WebSession | None
    timed_out: bool = False


class SessionCodec:
    def __init__(
        self,
        secret: bytes,
        *,
        idle_seconds: int = 15 * 60,
        max_seconds: int = 12 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < 32:
            raise ValueError("the session secret needs at least 32 bytes")
        self._secret = secret
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self._clock = clock

    def new(self, subject: str | None = None) -> WebSession:
        """A fresh session with a new random id: call it at sign-in and at sign-out."""
        now = self._clock()
        return WebSession(secrets.token_urlsafe(18), subject, now, now)

    def encode(self, session: WebSession) -> str:
        body = json.dumps(
            [session.sid, session.subject, round(session.issued_at, 3), round(session.seen_at, 3)],
            separators=(",", ":"),
        ).encode()
        return f"{_VERSION}.{b64url_encode(body)}.{b64url_encode(self._mac(body))}"

    def open(self, cookie: str | None) -> Opened:
        """The session behind a cookie; none if it is missing, forged, idle too long or too old."""
        session = self._decode(cookie)
        if session is None:
            return Opened(None)
        now = self._clock()
        if now - session.seen_at > self.idle_seconds or now - session.issued_at > self.max_seconds:
            return Opened(None, timed_out=session.signed_in)
        return Opened(session)

    def touch(self, session: WebSession) -> WebSession | None:
        """The session with its activity time moved to now, or None when the cookie needs no update."""
        now = self._clock()
        if now - session.seen_at < _TOUCH_EVERY_SECONDS:
            return None
        return replace(session, seen_at=now)

    def csrf_token(self, session: WebSession) -> str:
        return b64url_encode(self._mac(b"csrf\0" + session.sid.encode()))

    def csrf_valid(self, session: WebSession, unverified_token: str | None) -> bool:
        if not isinstance(unverified_token, str) or len(unverified_token) > 100:
            return False
        return hmac.compare_digest(unverified_token.encode(), self.csrf_token(session).encode())

    def _decode(self, cookie: str | None) -> WebSession | None:
        if not isinstance(cookie, str) or len(cookie) > _MAX_COOKIE_CHARS or cookie.count(".") != 2:
            return None
        version, encoded_body, encoded_mac = cookie.split(".")
        try:
            body, mac = b64url_decode(encoded_body), b64url_decode(encoded_mac)
        except EncodingError:
            return None
        if version != _VERSION or not hmac.compare_digest(mac, self._mac(body)):
            return None
        # the MAC matched, so this service wrote the body: its shape is known
        sid, subject, issued_at, seen_at = json.loads(body)
        return WebSession(
            str(sid), None if subject is None else str(subject), float(issued_at), float(seen_at)
        )

    def _mac(self, body: bytes) -> bytes:
        return hmac.new(self._secret, body, sha256).digest()


def cookie_name(*, secure: bool, purpose: str = "session") -> str:
    """``__Host-`` makes browsers refuse the cookie unless Secure, host-only and Path=/.

    Keep the anonymous session (before sign-in, for the sign-in form's CSRF token) in a cookie of its
    own (``purpose="presession"``): a browser withholds SameSite=Strict cookies on a navigation that
    starts on another site, and a fresh anonymous session set in that answer would overwrite the
    signed-in one, so any link from elsewhere would sign the person out."""
    return f"__Host-nansen_{purpose}" if secure else f"nansen_{purpose}"


class CookieAttributes(TypedDict):
    httponly: bool
    samesite: Literal["strict"]
    secure: bool
    path: str


def cookie_attributes(*, secure: bool) -> CookieAttributes:
    """Keyword arguments for a framework's set_cookie (Starlette's names): a session cookie (no
    Max-Age, so it ends with the browser) that scripts cannot read and other sites cannot send."""
    return {"httponly": True, "samesite": "strict", "secure": secure, "path": "/"}
