"""What the region generator builds, and the fingerprint that decides whether a cached chain fits."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from nansen.chain.artifacts import CONTRACT_NAMES, load_artifact

DAY = 86_400
BLOCK_SECONDS = 2  # the consortium chain's block time: what a day or a month is in blocks
GENERATOR_VERSION = 1  # bump when the generator's output changes for the same parameters


@dataclass(frozen=True)
class RegionParams:
    issuers: int = 200
    batches_per_issuer: int = 100  # 200 x 100 = 20,000 anchors
    credentials_per_batch: int = 500  # 10 million credentials
    changed_share: float = 0.05  # revoked or suspended over the five years
    suspended_share_of_changed: float = 0.2
    status_every_days: int = 7  # each NGO sends what changed in one batched status transaction a week
    years: int = 5
    key_every_days: int = 365
    start_time: int = 1_609_459_200  # 2021-01-01T00:00:00Z: fixed, so a cached chain is reproducible
    seed: int = 22

    @property
    def days(self) -> int:
        return self.years * 365 + self.years // 4

    @property
    def credentials(self) -> int:
        return self.issuers * self.batches_per_issuer * self.credentials_per_batch

    @property
    def real_span_blocks(self) -> int:
        """The block span the same history has on a chain with 2-second blocks."""
        return self.days * DAY // BLOCK_SECONDS

    def fingerprint(self) -> str:
        """Parameters, generator version and the contracts' bytecode: any change means a new chain."""
        digest = hashlib.sha256()
        digest.update(json.dumps({**asdict(self), "version": GENERATOR_VERSION}, sort_keys=True).encode())
        for name in CONTRACT_NAMES:
            digest.update(load_artifact(name).bytecode)
        return digest.hexdigest()


TINY = RegionParams(issuers=3, batches_per_issuer=4, credentials_per_batch=50, years=1, status_every_days=30)
