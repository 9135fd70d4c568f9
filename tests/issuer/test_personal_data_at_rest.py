"""After delivery, with the default retention, no readable copy of the person's claims is left in any
of the database's files: not in SQLite's database, -wal, -shm or journal files, and not in
PostgreSQL's heap, dead tuples or WAL segments (issuer/sealed.py says why sealing, not deleting).
Each claim is looked for as written and as base64url inside disclosures, at each alignment."""

from __future__ import annotations

from pathlib import Path

import pytest
from issuer_desk import CLAIMS, Office, wallet_receive
from sqlalchemy import create_engine, text

from nansen.crypto.b64 import b64url_encode
from nansen.openid4vci.offer import parse_offer

pytestmark = pytest.mark.chain

CANARIES = {
    "given_name": "Zebulonia",
    "family_name": "Quixotrelle",
    "place_of_birth": "Vrakenstadt",
    "registration_number": "REG-CANARY-7Q4X",
}


def readable_forms(value: str) -> list[bytes]:
    """``value`` as written and as the base64url characters that encode only its bytes, for each of
    the three offsets it can sit at inside a longer encoded text."""
    raw = value.encode()
    forms = [raw]
    for shift in range(3):
        encoded = b64url_encode(bytes(shift) + raw)
        first, end = -(-8 * shift // 6), 8 * (shift + len(raw)) // 6
        forms.append(encoded[first:end].encode())
    return forms


def database_files(office: Office) -> list[Path]:
    engine = create_engine(office.settings.database)
    try:
        with engine.connect() as db:
            if engine.dialect.name == "sqlite":
                files = [p for p in office.settings.data_dir.rglob("*") if p.is_file()]
                names = {p.name for p in files}
                assert {"issuer.sqlite", "issuer.sqlite-wal"} <= names, names  # the WAL is there to search
                return files
            db.execute(text("CHECKPOINT"))  # the heap pages reach their files, not only shared buffers
            data = Path(db.execute(text("SHOW data_directory")).scalar_one())
    finally:
        engine.dispose()
    files = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.parent.name == "pg_wal" for p in files)  # the WAL segments are searched too
    return files


def test_no_readable_claims_in_any_database_file_after_delivery(office: Office) -> None:
    claims = {**CLAIMS, **CANARIES}
    made = office.client.post("/offers", json={"claims": claims}, headers=office.officer).json()
    assert office.settings.retention_seconds == 0  # the default
    result, _ = wallet_receive(office.client, made["offer_uri"], made["tx_code"])
    assert result["status"] == 200, result
    compact = result["body"]["credentials"][0]["credential"]
    for value in CANARIES.values():  # the search finds what the credential's disclosures hold
        assert any(form in compact.encode() for form in readable_forms(value)[1:])
    found = []
    for path in database_files(office):
        content = path.read_bytes()
        for name, value in CANARIES.items():
            if any(form in content for form in readable_forms(value)):
                found.append((path.name, name))
    assert found == []
    # the code in the wallet's offer is what the claims were sealed under; the database has only its hash
    code = parse_offer(made["offer_uri"]).pre_authorized_code
    assert not any(code.encode() in p.read_bytes() for p in database_files(office))
