"""Signed session cookies: forgery, idle and absolute timeouts, fixation, CSRF tokens."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.webui.sessions import SessionCodec, cookie_attributes, cookie_name, derive_secret

SECRET = derive_secret(b"k" * 32, "test sessions")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def codec(clock: Clock | None = None, **kwargs: int) -> SessionCodec:
    return SessionCodec(SECRET, clock=clock or Clock(), **kwargs)


def test_a_session_round_trips() -> None:
    c = codec()
    session = c.new("42")
    opened = c.open(c.encode(session))
    assert opened.session == session and opened.session.signed_in and not opened.timed_out


def test_each_sign_in_gets_a_new_session_id() -> None:
    c = codec()
    assert c.new("1").sid != c.new("1").sid


@pytest.mark.parametrize("cookie", [None, "", "v1.x", "v1.e30.AAAA", "v2.a.b", "x" * 5000, "v1.!!.!!"])
def test_junk_cookies_open_to_nothing(cookie: str | None) -> None:
    assert codec().open(cookie).session is None


@given(st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_any_altered_character_is_refused(position: int, replacement: int) -> None:
    c = codec()
    cookie = c.encode(c.new("7"))
    index = position % len(cookie)
    altered = cookie[:index] + chr(replacement) + cookie[index + 1 :]
    if altered != cookie:
        assert c.open(altered).session is None


def test_another_secret_does_not_open_it() -> None:
    cookie = codec().encode(codec().new("7"))
    other = SessionCodec(derive_secret(b"o" * 32, "test sessions"))
    assert other.open(cookie).session is None


def test_idle_sessions_time_out_and_say_so() -> None:
    clock = Clock()
    c = codec(clock, idle_seconds=600)
    cookie = c.encode(c.new("7"))
    clock.now += 600
    assert c.open(cookie).session is not None
    clock.now += 1
    opened = c.open(cookie)
    assert opened.session is None and opened.timed_out


def test_activity_keeps_a_session_alive_until_its_maximum_age() -> None:
    clock = Clock()
    c = codec(clock, idle_seconds=600, max_seconds=1800)
    session = c.new("7")
    for _ in range(3):
        clock.now += 590
        opened = c.open(c.encode(session))
        assert opened.session is not None
        session = c.touch(opened.session) or opened.session
    clock.now += 40  # 1810 s after sign-in
    assert c.open(c.encode(session)).timed_out


def test_touch_rewrites_the_cookie_only_now_and_then() -> None:
    clock = Clock()
    c = codec(clock)
    session = c.new("7")
    clock.now += 5
    assert c.touch(session) is None
    clock.now += 60
    touched = c.touch(session)
    assert touched is not None and touched.seen_at == clock.now and touched.sid == session.sid


def test_an_anonymous_session_timing_out_is_not_reported_as_a_sign_out() -> None:
    clock = Clock()
    c = codec(clock, idle_seconds=60)
    cookie = c.encode(c.new())
    clock.now += 61
    assert c.open(cookie) == c.open(cookie) and not c.open(cookie).timed_out


def test_csrf_tokens_belong_to_one_session() -> None:
    c = codec()
    first, second = c.new(), c.new()
    token = c.csrf_token(first)
    assert c.csrf_valid(first, token)
    assert not c.csrf_valid(second, token)
    assert (
        not c.csrf_valid(first, None) and not c.csrf_valid(first, "") and not c.csrf_valid(first, token[:-1])
    )


def test_secrets_must_be_long_enough() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        SessionCodec(b"short")
    with pytest.raises(ValueError, match="at least 16 bytes"):
        derive_secret(b"short", "x")
    assert derive_secret(b"k" * 32, "a") != derive_secret(b"k" * 32, "b")


def test_cookie_flags() -> None:
    assert cookie_name(secure=True).startswith("__Host-") and not cookie_name(secure=False).startswith("__")
    flags = cookie_attributes(secure=True)
    assert flags == {"httponly": True, "samesite": "strict", "secure": True, "path": "/"}
    assert cookie_attributes(secure=False)["secure"] is False
