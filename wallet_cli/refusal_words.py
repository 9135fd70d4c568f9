"""Which registry check a credential failed, in words a person without the vocabulary understands.

The reason codes (``issuer_trust:issuer_not_accredited``, ``anchor:root_not_anchored``...) come from
nansen.credential.verification; the holder is shown the words, and the code after them for whoever
helps them (an officer, the issuing organisation).
"""

from __future__ import annotations

from wallet_cli.i18n import _


def plain_reason(code: str) -> str:
    check, _sep, reason = code.partition(":")
    if reason == "issuer_not_accredited":
        return _("The organisation that issued it is not on the registry's list of approved organisations.")
    if reason == "issuer_suspended":
        return _("The organisation that issued it has been suspended in the registry.")
    if check == "issuer_trust":
        return _(
            "The registry does not know the key the organisation signed it with, "
            "or that key was not valid then."
        )
    if check == "anchor":
        return _(
            "The organisation did not record this credential in the registry, "
            "so nobody can confirm it is genuine."
        )
    if reason == "revoked":
        return _("The organisation that issued it has cancelled it.")
    if reason == "suspended":
        return _("The organisation that issued it has put it on hold.")
    if check == "status":
        return _("Whether it is still in force cannot be read from the registry.")
    if check == "validity_period":
        return _("It has expired, or it is not valid yet.")
    if check in ("signature", "disclosures"):
        return _("It has been changed since it was signed, or it was not signed properly.")
    return _("It did not pass the registry checks.")


def refusal_lines(code: str) -> list[str]:
    """The refusal on receipt: what happened, which check failed, and what to do."""
    return [
        _("This credential was refused and not saved."),
        plain_reason(code),
        _("Ask the organisation that gave it to you. (Reason code for them: {reason})").format(reason=code),
    ]
