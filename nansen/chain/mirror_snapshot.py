"""Mirror snapshots: a mirror's whole state in one file, so a verifier that synced before starts
ready, its workers share one sync, and a border post without a link can be carried one.

Layout, big-endian::

    MAGIC (14 bytes) | format version (u16) | header length (u32) | header (JSON, UTF-8)
    | body (zlib) | SHA-256 of everything before it (32 bytes)

The header names the chain id, both registry addresses and the deployment block (a file for another
deployment is refused), the block the state is synced to with its hash and time, the wall-clock time
of the sync that last confirmed it (``synced_at``: what freshness is measured from), the state's id
and the body's length. The body holds the records in binary. The checksum detects damage (a copy cut
short, a bad USB stick), not forgery: anyone can write a file that passes it, so a file is only as
trustworthy as whoever wrote it (README: Operations).
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils.address import to_checksum_address

from nansen.atomic_file import replace_private
from nansen.chain.deployment import Deployment
from nansen.chain.errors import SnapshotDamagedError, SnapshotMismatchError, SnapshotVersionError
from nansen.chain.mirror import MirrorState
from nansen.chain.records import BatchRecord, IssuerRecord, SigningKeyRecord

MAGIC = b"NANSEN-MIRROR\n"
FORMAT_VERSION = 1
_PREFIX = struct.Struct(">HI")
_CHECKSUM_BYTES = 32
_ZERO_ADDRESS = bytes(20)
_ZERO_TEXT = "0x" + "00" * 20  # "": an issuer record read from the contract names no accreditor


@dataclass(frozen=True)
class SnapshotHeader:
    chain_id: int
    issuer_registry: str
    credential_registry: str
    deployment_block: int
    block_number: int
    block_hash: str
    block_time: int
    synced_at: float
    state_id: str


def snapshot_path(data_dir: Path, instance: str) -> Path:
    return data_dir / f"mirror-{instance}.snapshot"


# -- writing -----------------------------------------------------------------------------------
def encode_snapshot(state: MirrorState, deployment: Deployment) -> bytes:
    header = {
        "chain_id": deployment.chain_id,
        "issuer_registry": deployment.issuer_registry,
        "credential_registry": deployment.credential_registry,
        "deployment_block": deployment.block_number,
        "block_number": state.block,
        "block_hash": state.block_hash,
        "block_time": state.block_time,
        "synced_at": state.synced_at,
        "state_id": state.state_id,
    }
    body = zlib.compress(_encode_body(state), 1)  # level 1: ~5x faster than 6 on these, 10% larger
    header["body_bytes"] = len(body)
    header_bytes = json.dumps(header, sort_keys=True).encode()
    data = MAGIC + _PREFIX.pack(FORMAT_VERSION, len(header_bytes)) + header_bytes + body
    return data + hashlib.sha256(data).digest()


def _encode_body(state: MirrorState) -> bytes:
    parts = [_address(state.governance), struct.pack(">I", len(state.issuers))]
    for issuer in state.issuers.values():
        flags = int(issuer.accredited) | int(issuer.suspended) << 1
        by = _address(issuer.accredited_by) if issuer.accredited_by else _ZERO_ADDRESS
        parts += [_address(issuer.address), struct.pack(">QB", issuer.accredited_at, flags), by]
        parts += [_text(issuer.name), _text(issuer.issuer_id)]
    parts.append(struct.pack(">I", len(state.issuer_ids)))
    for issuer_id, address in state.issuer_ids.items():
        parts += [_text(issuer_id), _address(address)]
    parts.append(struct.pack(">I", len(state.keys)))
    for key in state.keys.values():
        parts += [_address(key.issuer), _blob(key.kid), _blob(key.public_key)]
        parts.append(struct.pack(">QQQ", key.valid_from, key.valid_until, key.retired_at))
    parts.append(struct.pack(">I", len(state.batches)))
    for batch in state.batches.values():
        parts += [
            _blob(batch.root),
            _address(batch.issuer),
            struct.pack(">QQ", batch.anchored_at, batch.count),
        ]
    parts.append(struct.pack(">I", len(state.lists)))
    for issuer_address, entries in state.lists.items():  # mostly zeros: zlib makes them small
        parts += [_address(issuer_address), struct.pack(">I", len(entries)), bytes(entries)]
    return b"".join(parts)


def _address(address: str) -> bytes:
    return bytes.fromhex(address[2:])


def _text(text: str) -> bytes:
    raw = text.encode()
    return struct.pack(">I", len(raw)) + raw


def _blob(raw: bytes) -> bytes:
    return struct.pack(">H", len(raw)) + raw


def write_snapshot(path: Path, state: MirrorState, deployment: Deployment) -> int:
    """Writes the snapshot atomically (temp file, fsync, rename), private to this user; its size."""
    data = encode_snapshot(state, deployment)
    replace_private(path, data)
    return len(data)


# -- reading -----------------------------------------------------------------------------------
def read_snapshot(path: Path, deployment: Deployment) -> MirrorState:
    """The state in ``path``, refused (SnapshotError leaves) unless whole and for ``deployment``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SnapshotDamagedError(
            f"cannot read the mirror snapshot {path}: {type(exc).__name__}",
            user_message=f"Cannot read the mirror file {path} ({exc.strerror or type(exc).__name__}).",
        ) from exc
    return decode_snapshot(data, deployment, name=str(path))


def decode_snapshot(data: bytes, deployment: Deployment, *, name: str = "the file") -> MirrorState:
    header, body = parse_snapshot(data, name=name)
    check_deployment_matches(header, deployment, name=name)
    try:
        return _decode_body(zlib.decompress(body), header)
    except (zlib.error, struct.error, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise _damaged(name, "its records do not decode") from exc


def parse_snapshot(data: bytes, *, name: str = "the file") -> tuple[SnapshotHeader, bytes]:
    """The header and the compressed body of a whole, undamaged snapshot of a format this reads."""
    start = len(MAGIC) + _PREFIX.size
    if not data.startswith(MAGIC) or len(data) < start:
        raise _damaged(name, "it is not a mirror snapshot, or is cut short at its start")
    version, header_length = _PREFIX.unpack_from(data, len(MAGIC))
    if version > FORMAT_VERSION:
        raise SnapshotVersionError(
            f"{name}: snapshot format {version}, this release reads up to {FORMAT_VERSION}",
            user_message=(
                f"The mirror file {name} was written by a newer release (format {version}; this one reads "
                f"format {FORMAT_VERSION} and older). Nothing was changed: update this verifier, or export "
                "the file again from a verifier of this release."
            ),
        )
    try:
        raw = json.loads(data[start : start + header_length])
        body_end = start + header_length + int(raw["body_bytes"])
    except (ValueError, KeyError, TypeError) as exc:
        raise _damaged(name, "its header is cut short or damaged") from exc
    if version < 1 or len(data) != body_end + _CHECKSUM_BYTES:
        raise _damaged(name, f"it is {len(data)} bytes where its header says {body_end + _CHECKSUM_BYTES}")
    if hashlib.sha256(data[:body_end]).digest() != data[body_end:]:
        raise _damaged(name, "its checksum does not match its contents")
    try:
        header = SnapshotHeader(
            int(raw["chain_id"]),
            to_checksum_address(raw["issuer_registry"]),
            to_checksum_address(raw["credential_registry"]),
            int(raw["deployment_block"]),
            int(raw["block_number"]),
            str(raw["block_hash"]),
            int(raw["block_time"]),
            float(raw["synced_at"]),
            str(raw["state_id"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise _damaged(name, "its header lacks a field") from exc
    return header, data[start + header_length : body_end]


def check_deployment_matches(header: SnapshotHeader, deployment: Deployment, *, name: str) -> None:
    ours = (deployment.chain_id, deployment.issuer_registry, deployment.credential_registry)
    theirs = (header.chain_id, header.issuer_registry, header.credential_registry)
    if theirs != ours or header.deployment_block != deployment.block_number:
        raise SnapshotMismatchError(
            f"{name} is for chain {header.chain_id}, registries {header.issuer_registry} and "
            f"{header.credential_registry} deployed at block {header.deployment_block}; the deployment "
            f"is chain {deployment.chain_id}, {deployment.issuer_registry} and "
            f"{deployment.credential_registry} at block {deployment.block_number}",
            user_message=(
                f"The mirror file {name} is for another registry (chain {header.chain_id}, issuer registry "
                f"{header.issuer_registry}) than this verifier's (chain {deployment.chain_id}, issuer "
                f"registry {deployment.issuer_registry}). Nothing was changed."
            ),
        )


def _damaged(name: str, why: str) -> SnapshotDamagedError:
    return SnapshotDamagedError(
        f"{name}: {why}",
        user_message=(
            f"The mirror file {name} is damaged or incomplete: {why}. Nothing was changed; copy it again "
            "from the verifier that exported it."
        ),
    )


_STRUCTS: dict[str, struct.Struct] = {}


class _Reader:
    def __init__(self, body: bytes) -> None:
        self._body, self._at = body, 0
        self._addresses: dict[bytes, str] = {}  # checksumming costs ~10 us: once per address

    def take(self, size: int) -> bytes:
        end = self._at + size
        if end > len(self._body):
            raise ValueError("cut short")
        chunk, self._at = self._body[self._at : end], end
        return chunk

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        layout = _STRUCTS.get(fmt) or _STRUCTS.setdefault(fmt, struct.Struct(fmt))
        return layout.unpack(self.take(layout.size))

    def address(self) -> str:
        raw = self.take(20)
        known = self._addresses.get(raw)
        if known is None:
            known = self._addresses[raw] = to_checksum_address(raw)
        return known

    def text(self) -> str:
        return self.take(self.unpack(">I")[0]).decode()

    def blob(self) -> bytes:
        return self.take(self.unpack(">H")[0])

    def done(self) -> bool:
        return self._at == len(self._body)


def _decode_body(body: bytes, header: SnapshotHeader) -> MirrorState:
    r = _Reader(body)
    governance = r.address()
    issuers: dict[str, IssuerRecord] = {}
    for _ in range(r.unpack(">I")[0]):
        address, (accredited_at, flags) = r.address(), r.unpack(">QB")
        by = r.address()
        name, issuer_id = r.text(), r.text()
        by_text = "" if by == _ZERO_TEXT else by
        issuers[address] = IssuerRecord(
            address, name, issuer_id, accredited_at, bool(flags & 1), bool(flags & 2), by_text
        )
    issuer_ids = {r.text(): r.address() for _ in range(r.unpack(">I")[0])}
    keys: dict[tuple[str, bytes], SigningKeyRecord] = {}
    for _ in range(r.unpack(">I")[0]):
        issuer, kid, public_key = r.address(), r.blob(), r.blob()
        key = SigningKeyRecord(issuer, kid, public_key, *r.unpack(">QQQ"))
        keys[(issuer, kid)] = key
    batches: dict[bytes, BatchRecord] = {}
    for _ in range(r.unpack(">I")[0]):
        root, issuer = r.blob(), r.address()
        batches[root] = BatchRecord(root, issuer, *r.unpack(">QQ"))
    lists: dict[str, bytearray] = {}
    for _ in range(r.unpack(">I")[0]):
        issuer = r.address()
        lists[issuer] = bytearray(r.take(r.unpack(">I")[0]))
    if not r.done():
        raise ValueError("bytes after the records")
    return MirrorState(
        governance, issuers, issuer_ids, keys, batches, lists,
        header.block_number, header.block_hash, header.block_time, header.synced_at, header.state_id,
    )  # fmt: skip
