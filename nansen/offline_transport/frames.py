"""Numbered frames: a packed presentation split over several QR codes of at most version 20.

A frame is text in the QR alphanumeric alphabet (see docs/offline-qr.md)::

    NSN1:<id>:<index>:<total>:<data>:<check>

``id`` names the presentation (10 upper-case hex digits), ``index`` counts from 1 to ``total``,
``data`` is base45 of the index-th slice of the packed presentation and ``check`` (4 hex digits)
catches a damaged or truncated frame before it spoils the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from nansen.offline_transport.base45 import Base45Error, b45decode, b45encode, encoded_length
from nansen.offline_transport.errors import (
    DamagedFrameError,
    DamagedPresentationError,
    ForeignFrameError,
    MissingFramesError,
    NotAFrameError,
    PresentationTooLargeError,
)
from nansen.offline_transport.packing import pack, unpack

PREFIX = "NSN1"
MAX_VERSION = 20  # about 97 modules: readable from a screen at arm's length
MIN_VERSION = 5
MAX_FRAMES = 99
# characters QR alphanumeric mode holds at error correction M, versions 1-20 (ISO/IEC 18004 table 7)
ALPHANUMERIC_CAPACITY_M = (
    20, 38, 61, 90, 122, 154, 178, 221, 262, 311, 366, 419, 483, 528, 600, 656, 734, 816, 909, 970,
)  # fmt: skip
_HEX = frozenset("0123456789ABCDEF")


@dataclass(frozen=True, slots=True)
class Frame:
    presentation_id: str
    index: int  # from 1
    total: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Progress:
    presentation_id: str | None  # None before the first frame
    total: int | None
    received: tuple[int, ...]  # frame numbers, from 1
    missing: tuple[int, ...]

    @property
    def complete(self) -> bool:
        return self.total is not None and not self.missing


def encode_frames(presentation: str, *, max_version: int = MAX_VERSION) -> list[str]:
    """The frame texts of ``presentation``, each fitting a QR code of ``max_version`` at level M.

    Frames are as few as fit and carry equal shares, so they all show at about the same size."""
    if not MIN_VERSION <= max_version <= MAX_VERSION:
        raise ValueError(f"max_version must be from {MIN_VERSION} to {MAX_VERSION}")
    blob = pack(presentation)
    capacity = ALPHANUMERIC_CAPACITY_M[max_version - 1]
    for total in range(1, MAX_FRAMES + 1):
        share = -(-len(blob) // total)
        if len(_header("0" * 10, total, total)) + encoded_length(share) + 5 <= capacity:
            break
    else:
        raise PresentationTooLargeError(
            f"packed presentation of {len(blob)} bytes needs more than {MAX_FRAMES} frames at version"
            f" {max_version}",
            user_message="This presentation is too large to show as QR codes here. Use a larger window"
            " or write the codes to files with --out.",
        )
    presentation_id = _presentation_id(presentation, total)
    bounds = [len(blob) * i // total for i in range(total + 1)]
    return [
        _with_check(_header(presentation_id, i + 1, total) + b45encode(blob[bounds[i] : bounds[i + 1]]))
        for i in range(total)
    ]


def is_frame(text: str) -> bool:
    """Whether ``text`` claims to be a frame (it may still be damaged)."""
    return text.startswith(PREFIX + ":")


def parse_frame(text: str) -> Frame:
    """One scanned frame, checked on its own; raises ``NotAFrameError`` or ``DamagedFrameError``."""
    if not is_frame(text):
        raise NotAFrameError(
            "text is not an offline presentation frame",
            user_message="This code is not part of a Nansen offline presentation.",
        )
    fields = text.split(":", 4)
    if len(fields) != 5 or not text.isascii():
        raise _damaged(None, None)
    _, presentation_id, index_text, total_text, rest = fields
    body, separator, check = rest.rpartition(":")
    index, total = _number(index_text), _number(total_text)
    if index is None or total is None or not 1 <= index <= total <= MAX_FRAMES:
        raise _damaged(None, None)
    if not separator or len(presentation_id) != 10 or not _HEX.issuperset(presentation_id):
        raise _damaged(index, total)
    if _check(text[: len(text) - len(check) - 1]) != check:
        raise _damaged(index, total)
    try:
        data = b45decode(body)
    except Base45Error:
        raise _damaged(index, total) from None
    return Frame(presentation_id, index, total, data)


def frame_progress(frame_texts: Iterable[str]) -> Progress:
    """Which frames of the presentation have been scanned and which are still missing.

    The first frame names the presentation; a frame of another one raises ``ForeignFrameError``.
    The same frame scanned twice counts once; order does not matter."""
    frames = _collect(frame_texts)
    if not frames:
        return Progress(None, None, (), ())
    first = next(iter(frames.values()))
    received = tuple(sorted(frames))
    missing = tuple(i for i in range(1, first.total + 1) if i not in frames)
    return Progress(first.presentation_id, first.total, received, missing)


def assemble(frame_texts: Iterable[str]) -> str:
    """The presentation the frames carry, exactly as the holder signed it.

    Raises ``MissingFramesError`` (naming the frames to scan), ``ForeignFrameError``,
    ``DamagedFrameError``, ``NotAFrameError`` or ``DamagedPresentationError``; never a guess."""
    frames = _collect(frame_texts)
    if not frames:
        raise MissingFramesError(
            "no frame", missing=(), total=None, user_message="No frame of the presentation was scanned."
        )
    first = next(iter(frames.values()))
    missing = tuple(i for i in range(1, first.total + 1) if i not in frames)
    if missing:
        raise MissingFramesError(
            f"missing frames {missing} of {first.total}",
            missing=missing,
            total=first.total,
            user_message=f"{_numbers('Frame', missing)} of {first.total} {_verb(missing)} not scanned yet."
            " Keep the camera on the holder's screen.",
        )
    presentation = unpack(b"".join(frames[i].data for i in range(1, first.total + 1)))
    if _presentation_id(presentation, first.total) != first.presentation_id:
        raise DamagedPresentationError(
            "offline frames decode to a presentation of another id",
            user_message="The frames were all read but do not make a presentation. Ask the holder to show"
            " the code again from the start.",
        )
    return presentation


def _collect(frame_texts: Iterable[str]) -> dict[int, Frame]:
    """Frames by number, all of the first frame's presentation."""
    frames: dict[int, Frame] = {}
    first: Frame | None = None
    for text in frame_texts:
        frame = parse_frame(text)
        if first is None:
            first = frame
        elif (frame.presentation_id, frame.total) != (first.presentation_id, first.total):
            raise ForeignFrameError(
                f"frame of presentation {frame.presentation_id} among frames of {first.presentation_id}",
                user_message=f"Frame {frame.index} of {frame.total} belongs to another presentation"
                f" ({frame.presentation_id}, not {first.presentation_id}). It was not used.",
            )
        seen = frames.setdefault(frame.index, frame)
        if seen.data != frame.data:  # both pass their checks: not one presentation's frames
            raise ForeignFrameError(
                f"two different frames numbered {frame.index} for {first.presentation_id}",
                user_message=f"Frame {frame.index} of {frame.total} was read twice with different content."
                " Ask the holder to show the code again from the start.",
            )
    return frames


def _presentation_id(presentation: str, total: int) -> str:
    # the frame count is hashed in: the same presentation split another way is another set of frames
    digest = hashlib.sha256(f"{total}:".encode("ascii") + presentation.encode("utf-8")).digest()
    return digest[:5].hex().upper()


def _header(presentation_id: str, index: int, total: int) -> str:
    return f"{PREFIX}:{presentation_id}:{index}:{total}:"


def _with_check(text: str) -> str:
    return f"{text}:{_check(text)}"


def _check(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).digest()[:2].hex().upper()


def _number(text: str) -> int | None:
    # decimal without leading zeros, so that one frame has exactly one text
    if not text.isascii() or not text.isdigit() or (len(text) > 1 and text[0] == "0") or len(text) > 2:
        return None
    return int(text)


def _numbers(word: str, numbers: tuple[int, ...]) -> str:
    if len(numbers) == 1:
        return f"{word} {numbers[0]}"
    return f"{word}s {', '.join(str(n) for n in numbers[:-1])} and {numbers[-1]}"


def _verb(numbers: tuple[int, ...]) -> str:
    return "is" if len(numbers) == 1 else "are"


def _damaged(index: int | None, total: int | None) -> DamagedFrameError:
    which = "A frame" if index is None else f"Frame {index} of {total}"
    return DamagedFrameError(
        f"offline frame {index}/{total} is damaged or cut short",
        user_message=f"{which} is damaged or cut short. Scan it again.",
    )
