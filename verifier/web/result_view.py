"""A result in plain words for the officer, built against automation bias: the verdict in words,
every check with what it means, what "unknown" means (not a refusal), the chain mirror's age, and
only the disclosed claims. Outside text (issuer names, claim values) is neutralised here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from verifier.web.core_messages import unknown_detail
from verifier.web.i18n import N_
from verifier.web.untrusted import neutral

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Line:
    title: str
    outcome: str  # passed | failed | unknown | not_checked
    outcome_label: str
    text: str


@dataclass(frozen=True)
class ResultView:
    tone: str  # valid | invalid | unknown: the colour; the headline says it in words
    headline: str
    summary: str
    lines: list[Line]
    claims: list[tuple[str, str]]
    issuer: str | None
    freshness: str
    reason_code: str


def view(result: dict[str, Any], _: Gettext, *, staleness_bound: float) -> ResultView:
    verdict = str(result.get("verdict", "unknown"))
    reason = str(result.get("reason", ""))
    issuer = result.get("issuer") or None
    issuer_name = neutral(issuer["name"], limit=120) if issuer else None
    issuer_id = neutral(issuer["id"], limit=200) if issuer else ""
    accreditor = neutral(issuer.get("accredited_by") or "", limit=60) if issuer else ""
    age = _age(result)
    freshness = (
        _("Checked against the registry as of {seconds} s ago (block {block}).").format(
            seconds=age, block=result["chain"]["block"]
        )
        if age is not None
        else _("The verifier has no copy of the registry to check against.")
    )
    ctx = {
        "issuer": issuer_name or "?",
        "issuer_id": issuer_id,
        "accreditor": accreditor,
        "bound": f"{staleness_bound:g}",
    }
    lines = [line for check in result.get("checks", []) for line in _lines(check, _, ctx)]
    if verdict == "valid":
        tone, headline = "valid", _("VALID")
        summary = _("Every check passed. The credential is genuine, current and was presented by its holder.")
    elif verdict == "unknown":
        tone, headline = "unknown", _("UNKNOWN")
        summary = _(
            "This cannot be decided now. It is not a refusal: the credential may be valid, but the "
            "verifier cannot vouch for it at the moment."
        ) + (" " + unknown_detail(result["detail"], _) if result.get("detail") else "")
    else:
        tone = "invalid"
        headline = {"status:revoked": _("REVOKED"), "status:suspended": _("SUSPENDED")}.get(
            reason, _("NOT VALID")
        )
        failing = next((line for line in lines if line.outcome == "failed"), None)
        summary = failing.text if failing else _refusal(result, _)
    claims = [(_claim_label(k, _), _value(v, _)) for k, v in (result.get("claims") or {}).items()]
    return ResultView(tone, headline, summary, lines, claims, issuer_name, freshness, neutral(reason))


def _age(result: dict[str, Any]) -> int | None:
    chain = result.get("chain") or {}
    seconds = chain.get("synced_seconds_ago")
    return None if seconds is None else round(float(seconds))


def _claim_label(name: str, _: Gettext) -> str:
    known = _CLAIM_LABELS.get(name)
    return _(known) if known else neutral(name, limit=80)


def _value(value: Any, _: Gettext) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list):
        return ", ".join(neutral(v, limit=80) for v in value[:20])
    return neutral(value)


def _refusal(result: dict[str, Any], _: Gettext) -> str:
    # the API's detail is English: the reason code is what the officer's language can name
    reason = str(result.get("reason") or "")
    if not reason:
        return _("The answer could not be checked.")
    return _("The answer could not be checked (reason code: {reason}).").format(reason=neutral(reason))


_OUTCOMES = {
    "passed": N_("Passed"),
    "failed": N_("Failed"),
    "unknown": N_("Cannot be decided now"),
    "not_checked": N_("Not checked"),
}


def _line(title: str, outcome: str, text: str, _: Gettext) -> Line:  # title: an English msgid
    return Line(_(title), outcome, _(_OUTCOMES.get(outcome, "Not checked")), text)


def _lines(check: dict[str, Any], _: Gettext, ctx: dict[str, str]) -> list[Line]:
    name, outcome, reason = str(check.get("name")), str(check.get("outcome")), str(check.get("reason"))
    if outcome == "not_checked":
        title = _TITLES.get(name, name)
        return [_line(title, outcome, _("Not checked, because an earlier check already failed."), _)]
    if name == "issuer_trust":
        return _issuer_lines(outcome, reason, _, ctx)
    if outcome == "unknown" and reason == "mirror_stale":
        text = _(
            "The verifier's copy of the registry is older than the {bound} s allowed, so this cannot "
            "be decided now."
        ).format(**ctx)
        return [_line(_TITLES.get(name, name), outcome, text, _)]
    if name == "requested_claims" and outcome == "failed":
        missing = ", ".join(neutral(m, limit=80) for m in check.get("missing", []))
        text = _("The holder did not share everything asked for. Missing: {claims}").format(claims=missing)
        return [_line(_TITLES[name], outcome, text, _)]
    explain = _EXPLAIN.get((name, outcome if outcome != "failed" else reason)) or _EXPLAIN.get(
        (name, outcome), N_("Reason code: {reason}")
    )
    return [_line(_TITLES.get(name, name), outcome, _(explain).format(reason=neutral(reason), **ctx), _)]


def _issuer_lines(outcome: str, reason: str, _: Gettext, ctx: dict[str, str]) -> list[Line]:
    # the registry records no accreditor's name: only its governance account may accredit, and the
    # chain mirror names the account that held that role when this issuer was accredited
    by = (
        _(
            "Issued by {issuer} ({issuer_id}), accredited in the trust registry by its governance "
            "account {accreditor} (the registry records an address, not a name)."
        )
        if ctx["accreditor"]
        else _("Issued by {issuer} ({issuer_id}), accredited in the trust registry by its governance.")
    )
    accredited = _line(N_("Issuer accredited"), "passed", by.format(**ctx), _)
    key_ok = _line(
        N_("Key valid at issuance"),
        "passed",
        _("The issuer's key was registered and valid when the credential was issued."),
        _,
    )
    if outcome == "passed":
        return [accredited, key_ok]
    if reason == "key_not_valid_at_issuance":
        text = _("The issuer's key was not valid when the credential was issued (retired or not yet added).")
        return [accredited, _line(N_("Key valid at issuance"), "failed", text, _)]
    if reason == "mirror_stale":
        text = _(
            "The verifier's copy of the registry is older than the {bound} s allowed, so the issuer's "
            "accreditation cannot be decided now."
        ).format(**ctx)
        return [_line(N_("Issuer accredited"), "unknown", text, _)]
    text = {
        "issuer_not_accredited": _("The issuer is not accredited in the trust registry."),
        "issuer_suspended": _("The issuer's accreditation is suspended by the registry's governance."),
        "issuer_key_unknown": _(
            "The key that signed this credential is not registered to any accredited issuer."
        ),
    }.get(
        reason, _("The issuer could not be confirmed. Reason code: {reason}").format(reason=neutral(reason))
    )
    return [_line(N_("Issuer accredited"), outcome, text, _)]


_TITLES = {
    "signature": N_("Signature"),
    "disclosures": N_("Shared details"),
    "key_binding": N_("Holder binding"),
    "validity_period": N_("Validity dates"),
    "anchor": N_("Anchored in the registry"),
    "status": N_("Status (revocation)"),
    "credential_type": N_("Kind of credential"),
    "requested_claims": N_("Details asked for"),
}
_EXPLAIN = {
    ("signature", "passed"): N_("The issuer's signature is genuine: nothing was changed since issuance."),
    ("signature", "failed"): N_("The signature does not match: the credential was altered or forged."),
    ("disclosures", "passed"): N_("Every detail shared belongs to this credential, unaltered."),
    ("disclosures", "failed"): N_(
        "A shared detail does not belong to this credential (reason code: {reason})."
    ),
    ("key_binding", "passed"): N_(
        "The holder's wallet proved it holds the credential's key, for this check only (not a replayed copy)."
    ),
    ("key_binding", "kb_nonce_mismatch"): N_("The answer was made for another check (a replayed copy)."),
    ("key_binding", "kb_aud_mismatch"): N_("The answer was made for another verifier."),
    ("key_binding", "kb_stale"): N_("The holder's proof is too old; ask for a new check."),
    ("key_binding", "failed"): N_(
        "The holder's proof of possession is missing or wrong (reason code: {reason})."
    ),
    ("validity_period", "passed"): N_("The credential is within its validity dates."),
    ("validity_period", "expired"): N_("The credential has expired."),
    ("validity_period", "not_yet_valid"): N_("The credential is not valid yet."),
    ("validity_period", "failed"): N_("The credential's dates are not acceptable (reason code: {reason})."),
    ("anchor", "passed"): N_("The credential belongs to a batch the issuer recorded in the registry."),
    ("anchor", "root_not_anchored"): N_("The credential's batch is not recorded in the registry."),
    ("anchor", "failed"): N_(
        "The credential's record in the registry does not match (reason code: {reason})."
    ),
    ("status", "passed"): N_("Neither revoked nor suspended in the registry."),
    ("status", "revoked"): N_("The issuer has revoked this credential. It must not be accepted."),
    ("status", "suspended"): N_("The issuer has suspended this credential for now."),
    ("status", "failed"): N_("The status in the registry is not usable (reason code: {reason})."),
    ("credential_type", "not_requested"): N_("This is not the kind of credential that was asked for."),
    ("requested_claims", "passed"): N_("Every detail asked for was shared, and nothing else is shown."),
}
_CLAIM_LABELS = {  # the refugee identity credential's claims; others are shown by their name
    "given_name": N_("Given name"),
    "family_name": N_("Family name"),
    "birth_date": N_("Date of birth"),
    "sex": N_("Sex"),
    "nationality": N_("Nationality"),
    "place_of_birth": N_("Place of birth"),
    "registration_number": N_("Registration number"),
    "registration_date": N_("Registration date"),
    "languages": N_("Languages"),
    "age_over_18": N_("Over 18"),
}
