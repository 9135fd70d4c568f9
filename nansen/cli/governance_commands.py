"""`nansen governance accredit|suspend|reinstate|retire-key`: the accrediting agencies' calls."""

from __future__ import annotations

import argparse
from typing import Any

from nansen.cli import context
from nansen.cli.settings import ChainSettings


def register(nouns: Any) -> None:
    governance = nouns.add_parser("governance", help="accredit, suspend and reinstate issuers; retire keys")
    verbs = governance.add_subparsers(dest="verb", required=True)
    accredit = verbs.add_parser("accredit", help="accredit an issuer account")
    accredit.add_argument("issuer", help="the issuer's chain account address, or its keystore file")
    accredit.add_argument("--name", required=True, help="display name, e.g. the NGO's name")
    accredit.add_argument("--issuer-id", required=True, help="the issuer's `iss` identifier (https URL)")
    accredit.set_defaults(handler=accredit_command)
    for verb, helptext in (("suspend", "suspend an issuer"), ("reinstate", "reinstate a suspended issuer")):
        parser = verbs.add_parser(verb, help=helptext)
        parser.add_argument("issuer")
        parser.set_defaults(handler=suspend_or_reinstate, action=verb)
    retire = verbs.add_parser(
        "retire-key", help="retire an issuer's signing key (for example after compromise)"
    )
    retire.add_argument("issuer")
    retire.add_argument("kid", help="key id: RFC 7638 thumbprint, hex (0x…) or base64url")
    retire.add_argument("--at", type=int, default=0, help="retirement time (unix seconds; default now)")
    retire.set_defaults(handler=retire_key_command)


def accredit_command(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nansen.chain.keystore import keystore_address

    settings = ChainSettings()
    reg = context.registry(settings)
    issuer = keystore_address(Path(args.issuer)) if Path(args.issuer).is_file() else args.issuer
    record = reg.issuer(issuer)
    if record.accredited and record.issuer_id == args.issuer_id:  # run again (a one-shot setup step)
        print(f"{issuer} is already accredited as {record.name!r} ({record.issuer_id})")
        return 0
    receipt = context.governance_writer(settings, reg).accredit_issuer(issuer, args.name, args.issuer_id)
    print(f"accredited {issuer} as {args.name!r} ({args.issuer_id}) in tx {receipt.tx_hash}")
    return 0


def suspend_or_reinstate(args: argparse.Namespace) -> int:
    settings = ChainSettings()
    reg = context.registry(settings)
    writer = context.governance_writer(settings, reg)
    receipt = (
        writer.suspend_issuer(args.issuer)
        if args.action == "suspend"
        else writer.reinstate_issuer(args.issuer)
    )
    print(f"{args.action}d {args.issuer} in tx {receipt.tx_hash}")
    return 0


def retire_key_command(args: argparse.Namespace) -> int:
    settings = ChainSettings()
    reg = context.registry(settings)
    kid = parse_kid(args.kid)
    receipt = context.governance_writer(settings, reg).retire_issuer_key(args.issuer, kid, args.at)
    print(f"retired key {args.kid} of {args.issuer} in tx {receipt.tx_hash}")
    return 0


def parse_kid(text: str) -> bytes:
    import base64
    import binascii

    from nansen.errors import ConfigurationError

    try:
        raw = (
            bytes.fromhex(text[2:])
            if text.startswith("0x")
            else base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        )
    except (ValueError, binascii.Error) as exc:
        raise ConfigurationError(f"key id {text!r} is neither 0x-hex nor base64url") from exc
    if len(raw) != 32:
        raise ConfigurationError(f"key id must be 32 bytes (an RFC 7638 SHA-256 thumbprint), got {len(raw)}")
    return raw
