"""Certificate chains against a trust anchors folder (nansen.x509_trust): the path must reach an anchor,
every certificate must be in its validity period, and the signing certificate must be a signing one."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from x509_support import verifier_certificates

from nansen.errors import ConfigurationError
from nansen.x509_trust import (
    CertificateMalformedError,
    CertificateUntrustedError,
    certificate_hash,
    load_trust_anchors,
    parse_x5c,
    subject_name,
    verify_chain,
)

SIGNER = verifier_certificates("verifier.example", organisation="Border\x1b[2J Agency")


def anchors_folder(tmp_path: Path, *pems: str) -> Path:
    folder = tmp_path / "anchors"
    folder.mkdir(parents=True)
    for number, pem in enumerate(pems):
        (folder / f"ca-{number}.pem").write_text(pem)
    (folder / "notes.txt").write_text("not a certificate, and not read")
    return folder


def test_a_chain_through_an_intermediate_reaches_the_anchor(tmp_path: Path) -> None:
    anchors = load_trust_anchors(
        anchors_folder(tmp_path, verifier_certificates().anchor_pem, SIGNER.anchor_pem)
    )
    trusted = verify_chain(parse_x5c(SIGNER.x5c), anchors, now=datetime.now(UTC))
    assert len(trusted.chain) == 3 and certificate_hash(trusted.leaf) == SIGNER.leaf_hash
    assert subject_name(trusted.leaf) == "Border\x1b[2J Agency"  # as sent: the wallet neutralises it
    without_intermediate = parse_x5c(SIGNER.x5c[:1])
    with pytest.raises(CertificateUntrustedError):
        verify_chain(without_intermediate, anchors, now=datetime.now(UTC))


def test_a_missing_folder_holds_no_anchor_and_a_bad_file_is_named(tmp_path: Path) -> None:
    assert load_trust_anchors(tmp_path / "absent").certificates == ()
    folder = anchors_folder(tmp_path, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    with pytest.raises(ConfigurationError, match=r"ca-0\.pem"):
        load_trust_anchors(folder)


def test_a_ca_certificate_cannot_sign_requests(tmp_path: Path) -> None:
    """The intermediate CA's own certificate, presented as the signer, is refused even though its
    path to the anchor is valid."""
    anchors = load_trust_anchors(anchors_folder(tmp_path, SIGNER.anchor_pem))
    with pytest.raises(CertificateUntrustedError):
        verify_chain(parse_x5c(SIGNER.x5c[1:]), anchors, now=datetime.now(UTC))


SIGNING = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
ENCIPHERING = x509.KeyUsage(False, False, True, False, False, False, False, False, False)


@pytest.mark.parametrize(
    ("usage", "refusal"),
    [
        ({"leaf_usage": ENCIPHERING}, "digitalSignature"),  # the signer's certificate must be for signing
        ({"leaf_usage": SIGNING}, None),
        ({"ca_usage": SIGNING}, "keyCertSign"),  # RFC 5280 §6.1.4 (n): when a CA has a keyUsage
        ({"ca_usage": None}, None),  # a CA without keyUsage is accepted (deployment CAs often have none)
    ],
)
def test_key_usages(tmp_path: Path, usage: dict[str, Any], refusal: str | None) -> None:
    certificates = verifier_certificates("verifier.example", **usage)
    anchors = load_trust_anchors(anchors_folder(tmp_path, certificates.anchor_pem))
    if refusal is None:
        verify_chain(parse_x5c(certificates.x5c), anchors, now=datetime.now(UTC))
        return
    with pytest.raises(CertificateUntrustedError, match=refusal):
        verify_chain(parse_x5c(certificates.x5c), anchors, now=datetime.now(UTC))


@pytest.mark.parametrize(
    "x5c", [None, [], "abc", ["not base64!"], [base64.b64encode(b"not der").decode()], [""] * 6]
)
def test_malformed_x5c(x5c: object) -> None:
    with pytest.raises(CertificateMalformedError):
        parse_x5c(x5c)
