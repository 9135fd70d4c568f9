"""Messages that come from the core or the API (offline frame errors, nonce refusals, verdict
details) in the officer's language: looked up by their error class, reason code or the API's named
message, never shown as the core's English. What is not known here is named by its reason code."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException

from nansen.errors import NansenError
from nansen.offline_transport import MissingFramesError, OfflineTransportError
from verifier.routes import offline
from verifier.service import NOT_YET_SEEN_DETAIL, STALE_DETAIL
from verifier.web.i18n import N_
from verifier.web.untrusted import neutral

Gettext = Callable[[str], str]

_FRAME_REASONS = {
    "not_a_frame": N_("This code is not part of a Nansen offline presentation."),
    "frame_damaged": N_("A frame is damaged or cut short. Scan it again."),
    "frame_foreign": N_(
        "A frame belongs to another presentation, or was read twice with different content. It was not used."
    ),
    "frames_mismatch": N_(
        "The frames were all read but do not make a presentation. Ask the holder to show the code again "
        "from the start."
    ),
    "presentation_too_large": N_("This presentation is too large to send as frames."),
}
_REFUSALS = {
    offline.UNKNOWN_NONCE: N_("This challenge was not issued by this verifier. Start a new check."),
    offline.AUDIENCE_MISMATCH: N_("The answer was made for another verifier desk. Start a new check."),
    offline.NONCE_SPENT: N_("This challenge was already used or has expired. Start a new check."),
}
_UNKNOWN_DETAILS = {
    NOT_YET_SEEN_DETAIL: N_(
        "The credential names a registry entry the verifier has not seen yet; it was probably issued "
        "moments ago. Try again shortly."
    ),
    STALE_DETAIL: N_(
        "The verifier's copy of the registry is older than its staleness bound, so it cannot vouch for "
        "this credential now. Try again shortly."
    ),
}


def frame_message(exc: OfflineTransportError, _: Gettext) -> str:
    """What the officer should do about scanned frames that cannot be used yet."""
    if isinstance(exc, MissingFramesError):
        if exc.total is None or not exc.missing:
            return _("No frame of the presentation was scanned.")
        return _("Still to scan: frame {frames} of {total}. Keep the camera on the holder's screen.").format(
            frames=", ".join(str(n) for n in exc.missing), total=exc.total
        )
    known = _FRAME_REASONS.get(exc.reason)
    if known is not None:
        return _(known)
    return _("The scanned codes cannot be used (reason code: {reason}).").format(reason=neutral(exc.reason))


def refusal_message(exc: HTTPException, _: Gettext) -> str:
    """Why the API refused the check (the nonce: unknown, spent or expired; another audience)."""
    known = _REFUSALS.get(str(exc.detail))
    if known is not None:
        return _(known)
    return _("The check could not be made (code {status}). Start a new check.").format(status=exc.status_code)


def error_message(exc: NansenError, _: Gettext) -> str:
    """A presentation the core could not read, named by its reason code."""
    if isinstance(exc, OfflineTransportError):
        return frame_message(exc, _)
    reason = neutral(getattr(exc, "reason", "") or type(exc).__name__, limit=80)
    return _("The presentation could not be read (reason code: {reason}).").format(reason=reason)


def unknown_detail(detail: object, _: Gettext) -> str:
    """Why an "unknown" cannot be decided now; a chain problem the verifier's operator must fix is
    told in general words here (its English details are for the operator's log)."""
    known = _UNKNOWN_DETAILS.get(str(detail))
    if known is not None:
        return _(known)
    return _("The verifier cannot use its copy of the registry right now. Try again shortly.")
