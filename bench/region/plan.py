"""The region's five years as a schedule of day-by-day actions, drawn from a seeded RNG (pure)."""

from __future__ import annotations

import hashlib
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from bench.region.params import RegionParams
from nansen.chain.records import CredentialStatus

ENTRIES_PER_WORD = 128
GOVERNANCE = -1  # the sender index of the governance account; issuers are 0..n-1


@dataclass(frozen=True)
class Action:
    sender: int
    kind: str  # accredit | add_key | retire_key | anchor | statuses
    args: tuple[Any, ...]

    @property
    def sender_of_accreditation(self) -> int:
        return int(self.args[0])


@dataclass
class Plan:
    days: dict[int, list[Action]] = field(default_factory=lambda: defaultdict(list))
    expected: Counter[str] = field(default_factory=Counter)  # events by name

    @property
    def transactions(self) -> int:
        return sum(len(actions) for actions in self.days.values())


def signing_key(params: RegionParams, issuer: int, generation: int) -> tuple[bytes, bytes]:
    """(kid, P-256 public key x || y) of an issuer's key of one year, derived from the seed."""
    secret = hashlib.sha256(f"{params.seed}/key/{issuer}/{generation}".encode()).digest()
    key = ec.derive_private_key(int.from_bytes(secret, "big") % (2**255) + 1, ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    raw = numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")
    return hashlib.sha256(raw).digest(), raw


def build_plan(params: RegionParams) -> Plan:
    rng = random.Random(params.seed)
    plan = Plan()
    last_day = params.days - 1
    for issuer in range(params.issuers):
        plan.days[0].append(Action(GOVERNANCE, "accredit", (issuer,)))
        plan.expected["IssuerAccredited"] += 1
        generations = range(1 + (last_day - 1) // params.key_every_days)
        for generation in generations:
            day = 1 + generation * params.key_every_days
            kid, public = signing_key(params, issuer, generation)
            plan.days[day].append(Action(issuer, "add_key", (kid, public, params.start_time + day * 86_400)))
            plan.expected["KeyAdded"] += 1
            if generation:
                plan.days[day].append(
                    Action(issuer, "retire_key", (signing_key(params, issuer, generation - 1)[0],))
                )
                plan.expected["KeyRetired"] += 1
        anchor_days = sorted(rng.randint(1, last_day) for _ in range(params.batches_per_issuer))
        for _batch, day in enumerate(anchor_days):
            root = rng.randbytes(32)
            plan.days[day].append(Action(issuer, "anchor", (root, params.credentials_per_batch)))
        plan.expected["BatchAnchored"] += params.batches_per_issuer
        _plan_statuses(params, rng, plan, issuer, anchor_days)
    return plan


def _plan_statuses(
    params: RegionParams, rng: random.Random, plan: Plan, issuer: int, anchor_days: list[int]
) -> None:
    """5 % of the issuer's credentials change once, some time after their batch was anchored; what
    changed in a week goes out in one transaction on the issuer's weekday."""
    issued = params.batches_per_issuer * params.credentials_per_batch
    last_day = params.days - 1
    offset = issuer % params.status_every_days
    sends: dict[int, list[tuple[int, CredentialStatus]]] = defaultdict(list)
    for index in rng.sample(range(issued), round(params.changed_share * issued)):
        anchored = anchor_days[index // params.credentials_per_batch]
        changed = rng.randint(min(anchored + 1, last_day), last_day)
        weeks = -(-(changed - offset) // params.status_every_days)
        send_day = min(last_day, max(anchored + 1, offset + weeks * params.status_every_days))
        suspended = rng.random() < params.suspended_share_of_changed
        sends[send_day].append((index, CredentialStatus.SUSPENDED if suspended else CredentialStatus.REVOKED))
    for day, entries in sends.items():
        entries.sort()
        plan.days[day].append(Action(issuer, "statuses", (tuple(entries),)))
        plan.expected["StatusWordChanged"] += len({index // ENTRIES_PER_WORD for index, _ in entries})


def activity_plan(params: RegionParams, first_day: int, days: int, seed: int) -> Plan:
    """``days`` more days of the region's everyday activity from ``first_day``: anchors at the
    five-year rate and each NGO's weekly status transaction (revocations, which never conflict
    with what an entry was before: revoked is final, suspended may become revoked)."""
    rng = random.Random(f"{params.seed}/activity/{seed}")
    plan = Plan()
    issued = params.batches_per_issuer * params.credentials_per_batch
    anchors_per_day = params.batches_per_issuer / params.days
    changes_per_send = params.changed_share * issued * params.status_every_days / params.days
    for day in range(first_day, first_day + days):
        for issuer in range(params.issuers):
            if rng.random() < anchors_per_day:
                plan.days[day].append(
                    Action(issuer, "anchor", (rng.randbytes(32), params.credentials_per_batch))
                )
                plan.expected["BatchAnchored"] += 1
            if day % params.status_every_days == issuer % params.status_every_days:
                count = max(1, round(rng.expovariate(1 / changes_per_send)))
                entries = sorted((i, CredentialStatus.REVOKED) for i in rng.sample(range(issued), count))
                plan.days[day].append(Action(issuer, "statuses", (tuple(entries),)))
    return plan
