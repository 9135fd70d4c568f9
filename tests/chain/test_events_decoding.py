"""The registry's own log decoder against eth_abi (which it replaced for speed): the same values
for every event type, and the same refusals of damaged data."""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_abi.exceptions import DecodingError
from eth_utils.address import to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from nansen.chain.events import _event_table, decode_log

SPECS = list(_event_table().items())
REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3"


def _value(typ: str) -> st.SearchStrategy[Any]:
    if typ == "address":
        return st.binary(min_size=20, max_size=20).map(lambda b: to_checksum_address(b))
    if typ == "bool":
        return st.booleans()
    if typ == "bytes32":
        return st.binary(min_size=32, max_size=32)
    if typ == "bytes":
        return st.binary(max_size=100)
    if typ == "string":
        return st.text(max_size=60)
    return st.integers(min_value=0, max_value=2 ** int(typ[4:]) - 1)


@st.composite
def logs(draw: st.DrawFn) -> dict[str, Any]:
    topic, spec = draw(st.sampled_from(SPECS))
    indexed = [abi_encode([typ], [draw(_value(typ))]) for _, typ in spec.indexed]
    data_types = [typ for _, typ in spec.data]
    data = abi_encode(data_types, [draw(_value(typ)) for typ in data_types])
    return {
        "address": REGISTRY,
        "topics": ["0x" + t.hex() for t in (topic, *indexed)],
        "data": "0x" + data.hex(),
        "blockNumber": "0x10",
        "logIndex": "0x0",
    }


def _reference(log: dict[str, Any]) -> dict[str, Any] | None:
    """What decode_log answered when it was eth_abi's decode plus eth_utils' checksum."""
    topics = [bytes.fromhex(t[2:]) for t in log["topics"]]
    spec = _event_table()[topics[0]]
    args: dict[str, Any] = {}
    for (name, typ), topic in zip(spec.indexed, topics[1:], strict=True):
        args[name] = abi_decode([typ], topic)[0]
    values = abi_decode([t for _, t in spec.data], bytes.fromhex(log["data"][2:]))
    args.update({name: value for (name, _), value in zip(spec.data, values, strict=True)})
    return {
        k: to_checksum_address(v) if isinstance(v, str) and len(v) == 42 and v.startswith("0x") else v
        for k, v in args.items()
    }


def _outcome(decode: Any, log: dict[str, Any]) -> Any:
    try:
        event = decode(log)
    except (DecodingError, ValueError, IndexError, OverflowError):
        return "refused"
    return event.args if hasattr(event, "args") else event


@settings(max_examples=400, deadline=None)
@given(logs())
def test_every_event_decodes_as_eth_abi_decodes_it(log: dict[str, Any]) -> None:
    assert decode_log(log).args == _reference(log)  # type: ignore[union-attr]


@settings(max_examples=1500, deadline=None)
@given(logs(), st.data())
def test_damaged_data_is_refused_as_eth_abi_refuses_it(log: dict[str, Any], data: st.DataObject) -> None:
    raw = bytearray(bytes.fromhex(log["data"][2:]))
    damage = data.draw(st.sampled_from(["flip", "truncate", "extend", "topic"]))
    if damage == "flip" and raw:
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255).filter(lambda b: b != raw[at]))
    elif damage == "truncate":
        del raw[data.draw(st.integers(0, len(raw))) :]
    elif damage == "extend":
        raw += data.draw(st.binary(min_size=1, max_size=64))
    elif damage == "topic" and len(log["topics"]) > 1:
        topic = bytearray(bytes.fromhex(log["topics"][1][2:]))
        topic[data.draw(st.integers(0, 31))] ^= 0xFF
        log["topics"][1] = "0x" + topic.hex()
    log["data"] = "0x" + raw.hex()
    assert _outcome(decode_log, log) == _outcome(_reference, log)


@pytest.mark.parametrize("address", [REGISTRY, REGISTRY.upper().replace("0X", "0x")])
def test_the_emitting_contract_is_checksummed_whatever_its_case(address: str) -> None:
    topic = next(t for t, s in SPECS if s.name == "IssuerSuspended")
    log = {
        "address": address,
        "topics": ["0x" + topic.hex(), "0x" + bytes(32).hex()],
        "data": "0x",
        "blockNumber": "0x1",
        "logIndex": "0x2",
    }
    event = decode_log(log)
    assert event is not None and event.address == to_checksum_address(REGISTRY)
    assert event.args == {"issuer": "0x" + "0" * 40}
