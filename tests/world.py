"""An in-memory TrustSource and a small issuer, so credential tests need no chain."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from nansen.chain.mirror import Freshness
from nansen.chain.records import BatchRecord, CredentialStatus, IssuerRecord, SigningKeyRecord
from nansen.credential.issuance import complete_credential, prepare_credential
from nansen.crypto.b64 import b64url_decode
from nansen.crypto.keys import PrivateKey, generate_private_key
from nansen.merkle import build_tree
from nansen.sdjwt.issuance import IssuedSdJwt

NOW = int(time.time())  # real time: services under test use the wall clock
ISSUER_ID = "https://ngo.example"
ISSUER_ADDRESS = "0x1111111111111111111111111111111111111111"
REGISTRY = "0x2222222222222222222222222222222222222222"
CHAIN_ID = 31337
VCT = "https://nansen.example/credentials/refugee-identity"
CLAIMS = {
    "given_name": "Amina",
    "family_name": "Haddad",
    "birth_date": "1990-04-01",
    "nationality": "SY",
    "age_over_18": True,
    "place_of_birth": {"locality": "Aleppo", "country": "SY"},
    "languages": ["ar", "en"],
}
DISCLOSABLE = [
    ("given_name",),
    ("family_name",),
    ("birth_date",),
    ("nationality",),
    ("age_over_18",),
    ("place_of_birth",),
    ("languages",),
]


@dataclass
class FakeTrust:
    chain_id: int = CHAIN_ID
    credential_registry: str = REGISTRY
    issuers: dict[str, IssuerRecord] = field(default_factory=dict)
    keys: dict[tuple[str, bytes], SigningKeyRecord] = field(default_factory=dict)
    batches: dict[bytes, BatchRecord] = field(default_factory=dict)
    statuses: dict[tuple[str, int], CredentialStatus] = field(default_factory=dict)
    age: float = 1.0

    def issuer_by_id(self, issuer_id: str) -> IssuerRecord | None:
        return next((i for i in self.issuers.values() if i.issuer_id == issuer_id), None)

    def signing_key(self, issuer: str, kid: bytes) -> SigningKeyRecord | None:
        return self.keys.get((issuer, kid))

    def batch(self, root: bytes) -> BatchRecord | None:
        return self.batches.get(root)

    def status(self, issuer: str, index: int) -> CredentialStatus:
        return self.statuses.get((issuer, index), CredentialStatus.VALID)

    def freshness(self) -> Freshness:
        return Freshness(100, NOW - int(self.age), NOW - self.age, self.age)

    def suspend(self, address: str) -> None:
        self.issuers[address] = replace(self.issuers[address], suspended=True)


@dataclass
class World:
    trust: FakeTrust
    issuer_key: PrivateKey
    holder_key: PrivateKey
    kid: str
    claims: dict[str, object] = field(default_factory=lambda: dict(CLAIMS))

    def issue(
        self,
        count: int = 3,
        *,
        status_index: int = 7,
        anchor: bool = True,
        anchored_at: int = NOW - 90,
        vct: str = VCT,
    ) -> list[IssuedSdJwt]:
        """``count`` credentials of one batch; ``anchor=False`` leaves their root off the registry
        (``anchored_at`` is the time their anchor claim says it was anchored all the same)."""
        prepared = [
            prepare_credential(
                issuer_id=ISSUER_ID,
                vct=vct,
                claims=self.claims,
                disclosable=DISCLOSABLE,
                holder_key=self.holder_key.public_key(),
                issued_at=NOW - 100,
                expires_at=NOW + 86_400,
                status_index=status_index + i,
            )
            for i in range(count)
        ]
        tree = build_tree([p.leaf for p in prepared])
        if anchor:
            self.trust.batches[tree.root] = BatchRecord(tree.root, ISSUER_ADDRESS, anchored_at, count)
        return [
            complete_credential(
                p,
                chain_id=CHAIN_ID,
                registry=REGISTRY,
                root=tree.root,
                proof=tree.proof(i),
                anchored_at=anchored_at,
                signer_key=self.issuer_key,
                kid=self.kid,
            )
            for i, p in enumerate(prepared)
        ]


def make_world() -> World:
    issuer_key = generate_private_key()
    public = issuer_key.public_key()
    trust = FakeTrust()
    trust.issuers[ISSUER_ADDRESS] = IssuerRecord(
        ISSUER_ADDRESS, "Demo NGO", ISSUER_ID, NOW - 10_000, True, False
    )
    kid = str(public.kid())
    raw_kid = b64url_decode(kid)
    trust.keys[(ISSUER_ADDRESS, raw_kid)] = SigningKeyRecord(
        ISSUER_ADDRESS, raw_kid, public.raw(), NOW - 5_000, 0, 0
    )
    return World(trust, issuer_key, generate_private_key(), kid)
