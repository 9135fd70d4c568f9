"""Maps SD-JWT error reasons to the check they belong to."""

from __future__ import annotations

from nansen.credential.result import CheckName

_BY_REASON: dict[str, CheckName] = {
    **dict.fromkeys(
        (
            "disclosure_unreferenced",
            "disclosure_duplicate",
            "digest_duplicate",
            "claim_name_forbidden",
            "claim_overwrite",
            "too_many_disclosures",
            "too_deep",
        ),
        CheckName.DISCLOSURES,
    ),
    **dict.fromkeys(("expired", "not_yet_valid", "iat_in_future"), CheckName.VALIDITY_PERIOD),
    **dict.fromkeys(
        (
            "cnf_missing",
            "kb_missing",
            "kb_unexpected",
            "kb_typ_invalid",
            "kb_signature_invalid",
            "kb_aud_mismatch",
            "kb_nonce_mismatch",
            "kb_stale",
            "kb_iat_in_future",
            "sd_hash_mismatch",
        ),
        CheckName.KEY_BINDING,
    ),
    "issuer_key_unknown": CheckName.ISSUER_TRUST,
}


def check_for_reason(reason: str) -> CheckName:
    """Format, header and signature failures (and anything unlisted) count against the signature."""
    return _BY_REASON.get(reason, CheckName.SIGNATURE)
