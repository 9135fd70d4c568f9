"""Which copy of a credential to present (batch issuance, wallet_cli.issuance_batch).

A record from a batch holds ``instances``: copies of one credential, each bound to its own key.
Each presentation uses a copy not shown before, so two verifiers cannot link what they saw by the
issuer's signature, the disclosure digests or the holder key. When every copy has been shown, the
one shown longest ago is used again and the holder is told it could be linked to that earlier
presentation. A record with one credential (``compact``, the wallet's holder key) is always that one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Copy:
    index: int | None  # None: the record's only credential
    compact: str
    holder_jwk: dict[str, Any]
    shown_before: bool


def copy_to_present(record: dict[str, Any], wallet_holder_jwk: dict[str, Any]) -> Copy:
    copies = [c for c in record.get("instances") or [] if isinstance(c, dict)]
    usable = [
        (i, c)
        for i, c in enumerate(copies)
        if isinstance(c.get("compact"), str) and isinstance(c.get("holder_jwk"), dict)
    ]
    if not usable:
        return Copy(None, str(record.get("compact", "")), wallet_holder_jwk, shown_before=False)
    never = [(i, c) for i, c in usable if not isinstance(c.get("shown_at"), int)]
    index, chosen = never[0] if never else min(usable, key=lambda pair: int(pair[1]["shown_at"]))
    return Copy(index, chosen["compact"], chosen["holder_jwk"], shown_before=not never)


def marked_shown(record: dict[str, Any], copy: Copy, *, now: int) -> dict[str, Any] | None:
    """The record with ``copy`` marked as shown at ``now``; None when there is nothing to mark."""
    if copy.index is None:
        return None
    copies = [dict(c) for c in record["instances"]]
    copies[copy.index]["shown_at"] = now
    return {**record, "instances": copies}


def copies_left(record: dict[str, Any]) -> int | None:
    """How many copies were never shown; None for a record with one credential."""
    copies = record.get("instances")
    if not isinstance(copies, list) or not copies:
        return None
    return sum(1 for c in copies if isinstance(c, dict) and not isinstance(c.get("shown_at"), int))
