"""Each RFC 9901 section 7 check, and the classic attacks, fail with their specific reason."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from sdjwt_support import AUD, NONCE, NOW, PERSON, PERSON_PATHS, Parties, fixed_resolver

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.jws import P256_ORDER, sign_compact
from nansen.crypto.keys import PrivateKey, generate_private_key
from nansen.sdjwt import errors as e
from nansen.sdjwt.compact import sd_hash
from nansen.sdjwt.disclosures import create_disclosure, parse_disclosure
from nansen.sdjwt.issuance import issue_sd_jwt
from nansen.sdjwt.policy import Limits, Profile
from nansen.sdjwt.presentation import create_presentation
from nansen.sdjwt.verification import verify_issued, verify_presentation


def _verify(parties: Parties, presentation: str, **overrides: Any) -> Any:
    kwargs: dict[str, Any] = {
        "issuer_key_resolver": fixed_resolver(parties.issuer.public_key()),
        "expected_aud": AUD,
        "expected_nonce": NONCE,
        "now": NOW,
        **overrides,
    }
    return verify_presentation(presentation, **kwargs)


def _present(parties: Parties, *, iat: int = NOW, paths: Any = (("given_name",), ("address",))) -> str:
    issued = issue_sd_jwt(
        payload=PERSON,
        disclosable=PERSON_PATHS,
        signer_key=parties.issuer,
        kid="k1",
        decoys=1,
        holder_key=parties.holder.public_key(),
    )
    return create_presentation(
        issued=issued.compact, disclose=paths, holder_key=parties.holder, aud=AUD, nonce=NONCE, iat=iat
    )


def _kb(holder: PrivateKey, presented: str, **claims: Any) -> str:
    payload = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": sd_hash(presented), **claims}
    return sign_compact(header={"typ": "kb+jwt"}, payload=json.dumps(payload).encode(), key=holder)


def _forge(parties: Parties, payload: dict[str, Any], disclosures: list[str], header: Any = None) -> str:
    """Issuer-signed (so the signature is fine) but semantically hostile SD-JWT, with a valid KB-JWT."""
    body = {"vct": "v", "exp": NOW + 100, "cnf": {"jwk": parties.holder.public_key().jwk()}, **payload}
    jwt = sign_compact(
        header=header or {"typ": "dc+sd-jwt"}, payload=json.dumps(body).encode(), key=parties.issuer
    )
    presented = "~".join([jwt, *disclosures, ""])
    return presented + _kb(parties.holder, presented)


def _disc(name: str | None, value: Any) -> Any:
    return create_disclosure(name, value, secrets)  # type: ignore[arg-type]


def test_valid_presentation_passes(parties: Parties) -> None:
    assert _verify(parties, _present(parties)).claims["given_name"] == "Amina"


def test_tampered_payload_header_and_disclosure(parties: Parties) -> None:
    presentation = _present(parties)
    jwt, rest = presentation.split("~", 1)
    head, body, sig = jwt.split(".")
    payload = json.loads(b64url_decode(body))
    payload["vct"] = "evil"
    with pytest.raises(e.SignatureInvalidError):
        _verify(parties, f"{head}.{b64url_encode(json.dumps(payload).encode())}.{sig}~{rest}")
    header = b64url_encode(json.dumps({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "other"}).encode())
    with pytest.raises(e.SignatureInvalidError):
        _verify(parties, f"{header}.{body}.{sig}~{rest}")
    disclosures = rest.split("~")
    fake = _disc("given_name", "Mallory").encoded
    with pytest.raises(e.DisclosureUnreferencedError):
        _verify(parties, "~".join([jwt, fake, *disclosures[1:]]))


def test_alg_none_and_hs256(parties: Parties) -> None:
    presentation = _present(parties)
    jwt, rest = presentation.split("~", 1)
    _, body, _ = jwt.split(".")
    none = b64url_encode(b'{"alg":"none","typ":"dc+sd-jwt"}')
    with pytest.raises(e.AlgorithmNotAllowedError):
        _verify(parties, f"{none}.{body}.~{rest}")
    hs = b64url_encode(b'{"alg":"HS256","typ":"dc+sd-jwt"}')
    with pytest.raises(e.AlgorithmNotAllowedError):
        _verify(parties, f"{hs}.{body}.{b64url_encode(bytes(32))}~{rest}")


def test_kid_confusion_resolver_decides(parties: Parties) -> None:
    """The resolver picks the key from the header; a token signed by another key under our kid fails."""
    attacker = Parties(generate_private_key(), parties.holder)
    forged = _forge(attacker, {"given_name": "x"}, [], header={"typ": "dc+sd-jwt", "kid": "k1"})
    with pytest.raises(e.SignatureInvalidError):
        _verify(parties, forged)

    def unknown(header: Any, payload: Any) -> Any:
        from nansen.errors import NansenError

        raise NansenError(f"unknown kid {header.get('kid')}")

    with pytest.raises(e.IssuerKeyUnknownError):
        _verify(parties, _present(parties), issuer_key_resolver=unknown)


def test_key_carrying_header_refused(parties: Parties) -> None:
    forged = _forge(parties, {}, [], header={"typ": "dc+sd-jwt", "jwk": parties.issuer.public_key().jwk()})
    with pytest.raises(e.HeaderForbiddenError):
        _verify(parties, forged)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"expected_nonce": "other"}, e.KbNonceMismatchError),
        ({"expected_aud": "https://elsewhere"}, e.KbAudMismatchError),
        ({"now": NOW + 10_000}, e.KbStaleError),
        ({"now": NOW - 1000}, e.KbIatInFutureError),
        ({"now": NOW + 86400 + 61, "kb_max_age": 10**6}, e.ExpiredError),
        ({"limits": Limits(max_bytes=100)}, e.TooLargeError),
        ({"limits": Limits(max_disclosures=1)}, e.TooManyDisclosuresError),
        ({"limits": Limits(max_depth=2)}, e.TooDeepError),
        ({"profile": Profile(accepted_typs=frozenset({"vc+sd-jwt"}))}, e.TypInvalidError),
    ],
)
def test_verifier_parameters(parties: Parties, overrides: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        _verify(parties, _present(parties), **overrides)


def test_missing_kb_and_kb_over_other_disclosures(parties: Parties) -> None:
    presentation = _present(parties)
    without_kb = presentation[: presentation.rindex("~") + 1]
    with pytest.raises(e.KbMissingError):
        _verify(parties, without_kb)
    assert _verify(parties, without_kb, require_key_binding=False).kb is None
    jwt, first, second, *others, kb = presentation.split("~")
    with pytest.raises(e.SdHashMismatchError):  # order is fixed by sd_hash
        _verify(parties, "~".join([jwt, second, first, *others, kb]))
    with pytest.raises(e.SdHashMismatchError):
        _verify(parties, "~".join([jwt, first, kb]))
    wrong_holder = _kb(generate_private_key(), without_kb)
    with pytest.raises(e.KbSignatureInvalidError):
        _verify(parties, without_kb + wrong_holder)


def test_kb_typ_must_be_kb_jwt(parties: Parties) -> None:
    presentation = _present(parties)
    head = presentation[: presentation.rindex("~") + 1]
    payload = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": sd_hash(head)}
    kb = sign_compact(header={"typ": "JWT"}, payload=json.dumps(payload).encode(), key=parties.holder)
    with pytest.raises(e.KbTypInvalidError):
        _verify(parties, head + kb)


def test_disclosure_twice_and_unreferenced(parties: Parties) -> None:
    d = _disc("given_name", "A")
    with pytest.raises(e.DisclosureDuplicateError):
        _verify(parties, _forge(parties, {"_sd": [d.digest]}, [d.encoded, d.encoded]))
    with pytest.raises(e.DisclosureUnreferencedError):
        _verify(parties, _forge(parties, {"_sd": []}, [d.encoded]))


def test_duplicate_digest_anywhere(parties: Parties) -> None:
    d = _disc("given_name", "A")
    with pytest.raises(e.DigestDuplicateError):
        _verify(parties, _forge(parties, {"_sd": [d.digest], "x": {"_sd": [d.digest]}}, [d.encoded]))
    with pytest.raises(e.DigestDuplicateError):  # decoys count too
        _verify(parties, _forge(parties, {"_sd": ["decoy", "decoy"]}, []))


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_forbidden_disclosed_names(parties: Parties, name: str) -> None:
    salt = b64url_encode(secrets.token_bytes(16))
    encoded = b64url_encode(json.dumps([salt, name, "x"]).encode())
    from nansen.sdjwt.disclosures import digest_of

    with pytest.raises(e.ClaimNameForbiddenError):
        _verify(parties, _forge(parties, {"_sd": [digest_of(encoded)]}, [encoded]))


def test_never_disclosable_claim_refused(parties: Parties) -> None:
    d = _disc("iss", "https://evil.example")
    with pytest.raises(e.ClaimNameForbiddenError):
        _verify(parties, _forge(parties, {"_sd": [d.digest]}, [d.encoded]))


def test_overwrite_refused(parties: Parties) -> None:
    d = _disc("given_name", "Mallory")
    with pytest.raises(e.ClaimOverwriteError):
        _verify(parties, _forge(parties, {"given_name": "A", "_sd": [d.digest]}, [d.encoded]))


def test_misplaced_disclosures_and_bad_ellipsis(parties: Parties) -> None:
    element = _disc(None, "x")
    prop = _disc("a", "x")
    with pytest.raises(e.MalformedError, match="array-element"):
        _verify(parties, _forge(parties, {"_sd": [element.digest]}, [element.encoded]))
    with pytest.raises(e.MalformedError, match="object-property"):
        _verify(parties, _forge(parties, {"arr": [{"...": prop.digest}]}, [prop.encoded]))
    with pytest.raises(e.MalformedError, match="no other member"):
        _verify(parties, _forge(parties, {"arr": [{"...": element.digest, "b": 1}]}, [element.encoded]))


def test_sd_alg_and_duplicate_json_keys(parties: Parties) -> None:
    with pytest.raises(e.SdAlgUnsupportedError):
        _verify(parties, _forge(parties, {"_sd_alg": "sha-512"}, []))
    salt = b64url_encode(secrets.token_bytes(16))
    dup = b64url_encode(f'["{salt}", "a", {{"k": 1, "k": 2}}]'.encode())
    from nansen.sdjwt.disclosures import digest_of

    with pytest.raises(e.DuplicateKeyError):
        _verify(parties, _forge(parties, {"_sd": [digest_of(dup)]}, [dup]))
    jwt = sign_compact(header={"typ": "dc+sd-jwt"}, payload=b'{"vct":"a","vct":"b"}', key=parties.issuer)
    with pytest.raises(e.DuplicateKeyError):
        _verify(parties, jwt + "~", require_key_binding=False)


def test_time_claims(parties: Parties) -> None:
    with pytest.raises(e.NotYetValidError):
        _verify(parties, _forge(parties, {"nbf": NOW + 1000}, []))
    with pytest.raises(e.IatInFutureError):
        _verify(parties, _forge(parties, {"iat": NOW + 1000}, []))
    with pytest.raises(e.ClaimMissingError, match="exp"):
        _verify(parties, _no_exp(parties))
    with pytest.raises(e.MalformedError, match="NumericDate"):
        _verify(parties, _forge(parties, {"exp": "tomorrow"}, []))


def _no_exp(parties: Parties) -> str:
    body = {"vct": "v", "cnf": {"jwk": parties.holder.public_key().jwk()}}
    jwt = sign_compact(header={"typ": "dc+sd-jwt"}, payload=json.dumps(body).encode(), key=parties.issuer)
    return jwt + "~" + _kb(parties.holder, jwt + "~")


def test_malleated_issuer_signature_has_same_digest(parties: Parties) -> None:
    presentation = _present(parties)
    jwt, rest = presentation.split("~", 1)
    head, body, sig = jwt.split(".")
    raw = b64url_decode(sig)
    flipped = raw[:32] + (P256_ORDER - int.from_bytes(raw[32:], "big")).to_bytes(32, "big")
    malleated_jwt = f"{head}.{body}.{b64url_encode(flipped)}"
    # the KB-JWT commits to the token string, so re-bind it as the attacker-holder would have to
    presented = "~".join([malleated_jwt, *rest.split("~")[:-1], ""])
    malleated = presented + _kb(parties.holder, presented)
    first = _verify(parties, presentation)
    second = _verify(parties, malleated)
    assert malleated_jwt != jwt
    assert first.signed_content_digest == second.signed_content_digest


def test_verify_issued_refuses_kb(parties: Parties) -> None:
    with pytest.raises(e.KbUnexpectedError):
        verify_issued(
            _present(parties), issuer_key_resolver=fixed_resolver(parties.issuer.public_key()), now=NOW
        )


@pytest.mark.parametrize("bad", ["", "abc", "a~~b~", "é~", "x.y.z~"])
def test_malformed_inputs(parties: Parties, bad: str) -> None:
    with pytest.raises(e.SdJwtError):
        _verify(parties, bad, require_key_binding=False)


def test_a_disclosure_is_limited_by_its_decoded_bytes() -> None:
    """The limit counts UTF-8 bytes, not characters: "é" is one character and two bytes."""
    text = '["salt","name","' + "é" * 10 + '"]'
    size = len(text.encode())
    encoded = b64url_encode(text.encode())
    assert parse_disclosure(encoded, max_bytes=size, max_depth=8).value == "é" * 10
    with pytest.raises(e.TooLargeError):
        parse_disclosure(encoded, max_bytes=size - 1, max_depth=8)
