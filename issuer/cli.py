"""`nansen-issuer init-key | register-key | rotate-key | bootstrap-admin | serve`."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from issuer.settings import IssuerSettings
from nansen.errors import ConfigurationError, NansenError

if TYPE_CHECKING:  # web3 loads only for the commands that talk to the chain
    from issuer.chain_link import Chain
    from nansen.chain.registry import RegistryWriter


@contextmanager
def _account_to_ourselves(settings: IssuerSettings) -> Iterator[None]:
    """Holds the anchoring lease while a command sends from the issuer's chain account: a serving
    issuer's pipeline owns that account's nonces, and two senders would take the same nonce."""
    from sqlalchemy.exc import SQLAlchemyError

    from issuer.db import make_engine
    from issuer.lease import lease_for

    engine = make_engine(settings.database, busy_timeout_seconds=settings.database_busy_timeout_seconds)
    lease = lease_for(engine)
    try:
        try:
            held = lease.try_acquire()
        except SQLAlchemyError as exc:
            raise ConfigurationError(
                f"the issuer database cannot be reached: {type(exc).__name__}",
                user_message="The issuer's database cannot be reached; this command needs it to check that "
                "no issuer service is sending from the same chain account.",
            ) from None
        if not held:
            raise ConfigurationError(
                "the anchoring lease is held by a running issuer service",
                user_message="A running issuer service sends from this chain account (it holds the "
                "anchoring lease). Stop it, run this command, then start it again.",
            )
        yield
    finally:
        lease.release()
        engine.dispose()


def _registry_writer(settings: IssuerSettings) -> RegistryWriter:
    return _chain(settings).writer


def _chain(settings: IssuerSettings) -> Chain:
    """The issuer's registry and writer, through the same checked link the service uses."""
    from issuer.chain_link import ChainLink
    from issuer.keys import load_chain_account
    from nansen.chain.deployment import load_deployment

    return ChainLink(
        rpc_url=settings.rpc_url,
        deployment=load_deployment(settings.deployments_dir, settings.chain_id),
        account=load_chain_account(
            settings.chain_keystore, settings.chain_keystore_passphrase.get_secret_value()
        ),
    ).get()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nansen-issuer", description="Nansen issuer service")
    verbs = parser.add_subparsers(dest="verb", required=True)
    init = verbs.add_parser("init-key", help="create the encrypted ES256 signing key")
    init.add_argument("--if-missing", action="store_true", help="keep an existing key (and say so)")
    verbs.add_parser(
        "register-key", help="register the signing key on chain (valid from now); nothing if it is already"
    )
    rotate = verbs.add_parser(
        "rotate-key", help="new signing key on chain; the old one retires at --retire-at"
    )
    rotate.add_argument("--retire-at", type=int, default=0, help="unix time (default: now)")
    boot = verbs.add_parser("bootstrap-admin", help="create the first administrator (prints its token once)")
    boot.add_argument("name")
    serve = verbs.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    serve.add_argument(
        "--workers", type=int, default=1, help="uvicorn worker processes (one of them anchors at a time)"
    )
    args = parser.parse_args(argv)
    try:
        settings = IssuerSettings()
        return _run(args, settings)
    except NansenError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: invalid settings: {exc}", file=sys.stderr)
        return 2


def _rotate_key(settings: IssuerSettings, passphrase: str, retire_at: int) -> None:
    """New key staged beside the current one, registered on chain, only then swapped in; the old key
    retires last. Each step can be re-run after a failure: nothing is half-done on disk."""
    from issuer.keys import create_signing_key, load_signing_key
    from nansen.chain.errors import ContractRevertedError

    current = settings.signing_key_file
    staged = current.with_name(f"{current.name}.next")
    old = load_signing_key(current, passphrase)
    new = load_signing_key(staged, passphrase) if staged.exists() else create_signing_key(staged, passphrase)
    writer = _registry_writer(settings)
    try:
        writer.add_key(new.kid_bytes, new.key.public_key().raw(), int(time.time()) - 60)
    except ContractRevertedError as exc:
        if exc.error_name != "IssuerRegistryKeyExists":  # registered by an earlier, interrupted run
            raise
    archived = current.with_name(f"{current.name}.{old.kid}")
    current.replace(archived)
    staged.replace(current)
    receipt = writer.retire_key(old.kid_bytes, retire_at)
    print(
        f"new key {new.kid} registered and in use after a restart; old key {old.kid} retires "
        f"(tx {receipt.tx_hash}); old key file kept at {archived}"
    )


def _run(args: argparse.Namespace, settings: IssuerSettings) -> int:
    from issuer.keys import create_signing_key, load_signing_key

    passphrase = settings.signing_key_passphrase.get_secret_value()
    if args.verb == "init-key":
        if args.if_missing and settings.signing_key_file.exists():
            key = load_signing_key(settings.signing_key_file, passphrase)
            print(f"kept the signing key at {settings.signing_key_file} (kid {key.kid})")
            return 0
        key = create_signing_key(settings.signing_key_file, passphrase)
        print(f"signing key created at {settings.signing_key_file} (kid {key.kid})")
    elif args.verb == "register-key":
        key = load_signing_key(settings.signing_key_file, passphrase)
        chain = _chain(settings)
        if (
            chain.registry.signing_key(chain.writer.address, key.kid_bytes).public_key
            == key.key.public_key().raw()
        ):
            # run again (a one-shot setup step): no transaction, so no need to stop a serving issuer
            print(f"key {key.kid} is already registered")
            return 0
        with _account_to_ourselves(settings):
            receipt = _registry_writer(settings).add_key(
                key.kid_bytes, key.key.public_key().raw(), int(time.time()) - 60
            )
        print(f"key {key.kid} registered in tx {receipt.tx_hash}")
    elif args.verb == "rotate-key":
        with _account_to_ourselves(settings):
            _rotate_key(settings, passphrase, args.retire_at)
    elif args.verb == "bootstrap-admin":
        from issuer.bootstrap import bootstrap_admin

        token = bootstrap_admin(settings, args.name)
        print(f"administrator {args.name!r} created; token (shown once, keep it secret):\n{token}")
    elif args.verb == "serve":
        import uvicorn

        uvicorn.run(
            "issuer.app:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="warning",
            access_log=False,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
