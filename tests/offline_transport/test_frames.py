"""The offline frame transport: lossless round trip of real presentations in frames of at most
version 20, and a specific refusal for every way scanning can go wrong."""

from __future__ import annotations

import hashlib
import random
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from offline_support import present
from world import World

from nansen.crypto.b64 import b64url_encode
from nansen.offline_transport import (
    MAX_VERSION,
    DamagedFrameError,
    DamagedPresentationError,
    ForeignFrameError,
    MissingFramesError,
    NotAFrameError,
    OfflineTransportError,
    PresentationTooLargeError,
    assemble,
    encode_frames,
    frame_progress,
    is_frame,
    parse_frame,
)
from nansen.offline_transport.base45 import ALPHABET, b45encode
from nansen.offline_transport.packing import DICTIONARY
from nansen.qr import QrCode

AUD, NONCE = "x509_san_dns:verifier.example/offline", "n0nce-for-offline-frames"


@contextmanager
def refused(kind: type[OfflineTransportError], pattern: str) -> Iterator[None]:
    """Raises ``kind`` with a user message (what the officer reads) matching ``pattern``."""
    with pytest.raises(kind) as raised:
        yield
    assert re.search(pattern, raised.value.user_message), raised.value.user_message


def _frame(blob: bytes, index: int = 1, total: int = 1, presentation_id: str = "0123456789") -> str:
    """A frame built from the spec alone (docs/offline-qr.md), not from the module's own code."""
    text = f"NSN1:{presentation_id}:{index}:{total}:{b45encode(blob)}"
    return f"{text}:{hashlib.sha256(text.encode()).hexdigest()[:4].upper()}"


def _deflate(stream: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=DICTIONARY)
    return compressor.compress(stream) + compressor.flush()


@pytest.mark.parametrize("disclosed", [2, 5, 10])
@pytest.mark.parametrize("batch", ["small_credential", "deep_credential"])
def test_real_presentations_round_trip_in_frames_of_at_most_version_20(
    world: World, request: pytest.FixtureRequest, batch: str, disclosed: int
) -> None:
    presentation = present(world, request.getfixturevalue(batch), disclosed, audience=AUD, nonce=NONCE)
    frames = encode_frames(presentation)
    assert 2 <= len(frames) <= 4  # 2.2-3.8 KB of presentation; a v20-M code holds 970 characters
    for frame in frames:
        assert set(frame) <= set(ALPHABET)  # alphanumeric mode throughout
        assert QrCode(frame).version <= MAX_VERSION
    shuffled = frames * 2
    random.Random(disclosed).shuffle(shuffled)
    assert assemble(shuffled) == presentation
    assert frame_progress(shuffled).complete


@pytest.mark.parametrize("max_version", [5, 10, 15])
def test_smaller_codes_for_small_screens(world: World, deep_credential: str, max_version: int) -> None:
    presentation = present(world, deep_credential, 10, audience=AUD, nonce=NONCE)
    frames = encode_frames(presentation, max_version=max_version)
    assert max(QrCode(f).version for f in frames) <= max_version
    assert len(frames) > len(encode_frames(presentation, max_version=max_version + 5))
    assert assemble(frames) == presentation


@settings(max_examples=60, deadline=None)
@given(st.text() | st.text(alphabet="AZaz09-_.~=+/", min_size=1))
def test_any_text_round_trips(text: str) -> None:
    assert assemble(encode_frames(text)) == text


def test_a_missing_frame_is_named(world: World, deep_credential: str) -> None:
    frames = encode_frames(present(world, deep_credential, 10, audience=AUD, nonce=NONCE))
    total = len(frames)
    with refused(MissingFramesError, f"^Frame 2 of {total} is not scanned yet"):
        assemble(frames[:1] + frames[2:])
    with pytest.raises(MissingFramesError) as raised:
        assemble(frames[:1] + frames[2:])
    assert raised.value.missing == (2,) and raised.value.total == total
    with refused(MissingFramesError, f"^Frames 1, 2 and {total} of {total} are not scanned"):
        assemble(frames[2:-1] * 3)
    progress = frame_progress([frames[-1], frames[0]])
    assert (progress.total, progress.received, progress.complete) == (total, (1, total), False)
    assert progress.missing == tuple(range(2, total))
    with refused(MissingFramesError, "No frame"):
        assemble([])
    assert frame_progress([]).total is None


def test_a_truncated_or_altered_frame_is_refused_by_number(world: World, small_credential: str) -> None:
    frames = encode_frames(present(world, small_credential, 2, audience=AUD, nonce=NONCE))
    total = len(frames)
    damaged = [frames[1][:-1], frames[1][: len(frames[1]) // 2], frames[1].rsplit(":", 1)[0]]
    flipped = frames[1][:40] + ("A" if frames[1][40] != "A" else "B") + frames[1][41:]
    for text in [*damaged, flipped]:
        with refused(DamagedFrameError, f"^Frame 2 of {total} is damaged or cut short"):
            parse_frame(text)
        with pytest.raises(DamagedFrameError):
            assemble([frames[0], text, *frames[2:]])
    with refused(DamagedFrameError, "^A frame is damaged"):
        parse_frame("NSN1:ABC")


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_one_changed_character_never_gives_another_presentation(data: st.DataObject) -> None:
    presentation = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJodHRwczovL25nbyJ9.c2ln~WyJzYWx0IiwibiIsInYiXQ~"
    frames = encode_frames(presentation * 20, max_version=5)
    which = data.draw(st.integers(0, len(frames) - 1))
    position = data.draw(st.integers(0, len(frames[which]) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != frames[which][position]))
    frames[which] = frames[which][:position] + replacement + frames[which][position + 1 :]
    with pytest.raises(OfflineTransportError):
        assemble(frames)


def test_a_frame_of_another_presentation_is_refused(world: World, small_credential: str) -> None:
    ours = encode_frames(present(world, small_credential, 2, audience=AUD, nonce=NONCE))
    theirs = encode_frames(present(world, small_credential, 2, audience=AUD, nonce="another-nonce"))
    with refused(ForeignFrameError, "^Frame 2 of .* belongs to another presentation"):
        frame_progress([ours[0], theirs[1]])
    with pytest.raises(ForeignFrameError):
        assemble([*ours, theirs[0]])
    # the same presentation split differently is another set of frames too
    resplit = encode_frames(present(world, small_credential, 2, audience=AUD, nonce=NONCE), max_version=8)
    with pytest.raises(ForeignFrameError):
        assemble([*ours, resplit[0]])
    assert parse_frame(ours[0]).presentation_id != parse_frame(resplit[0]).presentation_id


def test_text_that_is_no_frame_is_refused() -> None:
    for text in ["", "hello", "openid4vp://?request_uri=x", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln~", "nsn1:x"]:
        assert not is_frame(text)
        with refused(NotAFrameError, "not part of a Nansen offline presentation"):
            assemble([text])


@pytest.mark.parametrize(
    "blob",
    [
        b"not deflate at all \xff\xff",
        _deflate(b"\x01\x01\x06abc") + b"trailing",  # complete stream, then bytes after it
        _deflate(b"\x01\x01\x06abc")[:-2],  # cut short
        _deflate(b"\x01\x01\x06abcEXTRA"),  # bytes left after the last segment
        _deflate(b"\x01\x01\xff\xff\xff\xff\x7f"),  # a length longer than the format allows
        _deflate(b"\x01\x01\x05\xff\xfe"),  # text segment that is not UTF-8
        _deflate(b"\x00" * 10_000_000),  # a bomb: inflates far beyond any presentation
    ],
)
def test_frames_that_decode_to_no_presentation_are_refused(blob: bytes) -> None:
    with refused(DamagedPresentationError, "do not make a presentation"):
        assemble([_frame(blob)])


def test_a_spec_built_frame_decodes_and_its_id_is_checked() -> None:
    stream = b"\x01\x01\x06abc"  # one part, one text segment "abc"
    good_id = hashlib.sha256(b"1:abc").hexdigest()[:10].upper()
    assert assemble([_frame(_deflate(stream), presentation_id=good_id)]) == "abc"
    with pytest.raises(DamagedPresentationError):
        assemble([_frame(_deflate(stream), presentation_id="ABCDEF0123")])


def test_too_large_a_presentation_is_refused() -> None:
    with refused(PresentationTooLargeError, "too large"):
        encode_frames("x" * 70_000)
    incompressible = "~".join(hashlib.sha256(bytes([i, j])).hexdigest() for i in range(20) for j in range(30))
    with refused(PresentationTooLargeError, "--out"):
        encode_frames(incompressible, max_version=5)
    with pytest.raises(ValueError, match="max_version"):
        encode_frames("abc", max_version=21)


@pytest.mark.parametrize(
    ("data", "text"),
    [(b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"), (b"ietf!", "QED8WEX0")],
)
def test_base45_matches_rfc_9285(data: bytes, text: str) -> None:
    from nansen.offline_transport.base45 import b45decode

    assert b45encode(data) == text and b45decode(text) == data


@settings(max_examples=8, deadline=None)
@given(st.binary(min_size=500, max_size=2_500), st.sampled_from([5, 12, 20]))
def test_every_frame_fits_its_version_whatever_the_content(data: bytes, max_version: int) -> None:
    # random bytes as base64url segments: nothing to compress, the most characters per frame
    text = "~".join(b64url_encode(data[i : i + 300]) for i in range(0, len(data), 300))
    for frame in encode_frames(text, max_version=max_version):
        assert QrCode(frame).version <= max_version
