"""Shared fixtures for SD-JWT tests: vector cases, example keys, a tiny key resolver."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from nansen.crypto.keys import PrivateKey, PublicKey, generate_private_key, private_key_from_jwk
from nansen.sdjwt.issuance import IssuedSdJwt, issue_sd_jwt
from nansen.sdjwt.presentation import create_presentation

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
SUITES = ("sd-jwt-rfc9901-examples", "sd-jwt-python-testcases", "sd-jwt-vc-examples")


@dataclass(frozen=True)
class Case:
    suite: str
    name: str
    path: Path
    settings: dict[str, Any]

    def json(self, name: str) -> Any:
        return json.loads((self.path / name).read_text())

    def text(self, name: str) -> str:
        return (self.path / name).read_text().strip()

    @property
    def issuer_jwk(self) -> dict[str, str]:
        keys = self.settings["key_settings"]
        return keys["issuer_keys"][0] if "issuer_keys" in keys else keys["issuer_key"]

    @property
    def holder_jwk(self) -> dict[str, str]:
        return self.settings["key_settings"]["holder_key"]


def compact_cases() -> list[Case]:
    cases = []
    for suite in SUITES:
        settings = json.loads((VECTORS / suite / "settings.json").read_text())
        for path in sorted((VECTORS / suite).iterdir()):
            if (path / "sd_jwt_presentation.txt").exists():
                cases.append(Case(suite, path.name, path, settings))
    return cases


def fixed_resolver(key: PublicKey) -> Any:
    def resolve(header: Mapping[str, Any], unverified_payload: Mapping[str, Any]) -> PublicKey:
        return key

    return resolve


@dataclass(frozen=True)
class Parties:
    issuer: PrivateKey
    holder: PrivateKey


@pytest.fixture(scope="session")
def parties() -> Parties:
    return Parties(generate_private_key(), generate_private_key())


@pytest.fixture(scope="session")
def example_issuer() -> PrivateKey:
    settings = json.loads((VECTORS / "sd-jwt-rfc9901-examples" / "settings.json").read_text())
    return private_key_from_jwk(settings["key_settings"]["issuer_keys"][0])


def from_sd_markup(node: Any, path: tuple[Any, ...], paths: set[tuple[Any, ...]]) -> Any:
    """Convert sd-jwt-python's ``!sd`` markup (case.json user_claims_sd) to a payload plus paths."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            name = key[4:] if key.startswith("!sd ") else key
            if key.startswith("!sd "):
                paths.add((*path, name))
            out[name] = from_sd_markup(value, (*path, name), paths)
        return out
    if isinstance(node, list):
        items = []
        for index, element in enumerate(node):
            if isinstance(element, dict) and list(element) == ["!sd"]:
                paths.add((*path, index))
                element = element["!sd"]
            items.append(from_sd_markup(element, (*path, index), paths))
        return items
    return node


def holder_paths(selection: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Convert case.json holder_disclosed_claims to claim paths (use with ``subtree=False``)."""
    found: list[tuple[Any, ...]] = []
    items = selection.items() if isinstance(selection, dict) else enumerate(selection)
    for key, value in items:
        if value is True:
            found.append((*path, key))
        elif isinstance(value, dict | list) and value:  # sd-jwt-python: an empty selection is falsy
            found.append((*path, key))
            found.extend(holder_paths(value, (*path, key)))
    return found


NOW = 1_800_000_000
AUD = "https://verifier.nansen.example"
NONCE = "n-0S6_WzA2Mj"

PERSON = {
    "iss": "https://ngo.example",
    "vct": "https://nansen.example/credentials/refugee-id",
    "iat": NOW - 1000,
    "exp": NOW + 86400,
    "given_name": "Amina",
    "family_name": "Yusuf",
    "birthdate": "1990-04-02",
    "nationalities": ["SD", "SS"],
    "address": {"locality": "Kakuma", "country": "KE", "camp_block": "B7"},
}
PERSON_PATHS = {
    ("given_name",),
    ("family_name",),
    ("birthdate",),
    ("nationalities", 0),
    ("nationalities", 1),
    ("address",),
    ("address", "camp_block"),
}


class PersonPresentation(NamedTuple):
    issuer: PrivateKey
    holder: PrivateKey
    issued: IssuedSdJwt
    valid: str  # given_name, address and nationalities[1] disclosed, bound to AUD and NONCE at NOW


def person_presentation() -> PersonPresentation:
    """PERSON issued with fresh keys and two decoys, and a valid presentation of it."""
    issuer, holder = generate_private_key(), generate_private_key()
    issued = issue_sd_jwt(
        payload=PERSON,
        disclosable=PERSON_PATHS,
        signer_key=issuer,
        kid="k",
        decoys=2,
        holder_key=holder.public_key(),
    )
    valid = create_presentation(
        issued=issued.compact,
        disclose=[("given_name",), ("address",), ("nationalities", 1)],
        holder_key=holder,
        aud=AUD,
        nonce=NONCE,
        iat=NOW,
    )
    return PersonPresentation(issuer, holder, issued, valid)
