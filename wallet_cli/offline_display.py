"""present --offline: the presentation as a loop of QR frames (nansen.offline_transport), animated in
the terminal and sized to it, or written as PNG files when the terminal cannot show them."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from nansen.errors import NansenError
from nansen.offline_transport import MAX_VERSION, MIN_VERSION, encode_frames
from nansen.qr import QrCode
from wallet_cli.context import Context
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _
from wallet_cli.terminal import Terminal

# A module of 8 screen pixels (about 2 mm at the usual 0.26 mm per pixel) gives a 720p webcam at
# 40 cm close to 5 camera pixels per module: enough for zxing and jsQR (tests/offline_transport).
PNG_BOX = 8
PNG_QUIET_ZONE = 4  # the standard quiet zone: the image may sit on any background
TERMINAL_QUIET_ZONE = 2  # light blocks on the terminal's dark background; 2 rows saved
STATUS_LINES = 3  # a blank line, and the status (which may wrap once on a narrow terminal)
SECONDS_PER_FRAME = 0.5  # a webcam scanner reads several times a second; each frame gets a few tries
SHOW_FOR_SECONDS = 300.0  # an officer's challenge lives 5 minutes: no point showing personal data longer


def largest_version(columns: int, lines: int) -> int | None:
    """The largest QR version (at most 20) whose half-block text and status fit the terminal."""
    for version in range(MAX_VERSION, MIN_VERSION - 1, -1):
        side = 17 + 4 * version + 2 * TERMINAL_QUIET_ZONE
        if side <= columns and (side + 1) // 2 + STATUS_LINES <= lines:
            return version
    return None


def show_offline(ctx: Context, presentation: str, *, out: Path | None) -> None:
    """Writes the frames to ``out`` as PNG files, or animates them here, or falls back to PNG files."""
    if out is None:
        screens = _screens_for_this_terminal(ctx.terminal, presentation)
        if screens is not None:
            with contextlib.suppress(KeyboardInterrupt):  # the holder's way to say the officer has them
                animate(screens, ctx.terminal, seconds=SHOW_FOR_SECONDS)
            ctx.say(_("Stopped showing the codes."))
            return
        if ctx.terminal.is_interactive():
            ctx.say(_("This terminal is too small to show the codes."))
        out = Path(tempfile.mkdtemp(prefix="nansen-offline-"))  # private: only the holder can read it
    paths = write_pngs(_frames(presentation, MAX_VERSION), out)
    ctx.say(_("Wrote {count} codes to {path}.").format(count=len(paths), path=out))
    ctx.say(_("Show them to the officer one after another, in any order, then delete them."))


def _screens_for_this_terminal(terminal: Terminal, presentation: str) -> list[tuple[str, str]] | None:
    """The animation's screens, or None when this is no terminal or too small a one."""
    size = shutil.get_terminal_size(fallback=(0, 0))
    version = largest_version(size.columns, size.lines) if terminal.is_interactive() else None
    if version is None:
        return None
    try:
        return terminal_screens(_frames(presentation, version))
    except WalletError:  # too many frames at this size: the files can be larger
        return None


def write_pngs(frames: Sequence[str], directory: Path) -> list[Path]:
    if directory.exists() and not directory.is_dir():
        message = _("--out must be a folder: {path} is a file.").format(path=directory)
        raise WalletError(message, ExitCode.USAGE)
    from wallet_cli.store.files import write_atomic

    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, frame in enumerate(frames, start=1):
        path = directory / f"offline-{index:02d}-of-{len(frames):02d}.png"
        write_atomic(path, QrCode(frame, quiet_zone=PNG_QUIET_ZONE).png(box_size=PNG_BOX))
        paths.append(path)
    return paths


def terminal_screens(frames: Sequence[str]) -> list[tuple[str, str]]:
    """One screen per frame: the code, and which frame it is and how to stop."""
    return [
        (
            QrCode(frame, quiet_zone=TERMINAL_QUIET_ZONE).text(),
            _("Frame {index} of {total}. Press Ctrl+C when the officer has them all.").format(
                index=index, total=len(frames)
            ),
        )
        for index, frame in enumerate(frames, start=1)
    ]


def animate(
    screens: Sequence[tuple[str, str]],
    terminal: Terminal,
    *,
    seconds: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Shows the screens in turn, in place, until ``seconds`` have passed (or Ctrl+C)."""
    deadline = clock() + seconds
    with terminal.full_screen():
        shown = 0
        while clock() < deadline:
            terminal.redraw(*screens[shown % len(screens)])
            shown += 1
            sleep(SECONDS_PER_FRAME)


def _frames(presentation: str, max_version: int) -> list[str]:
    try:
        return encode_frames(presentation, max_version=max_version)
    except NansenError:
        raise WalletError(
            _("This presentation is too large to show as QR codes. Share fewer claims."), ExitCode.ERROR
        ) from None
