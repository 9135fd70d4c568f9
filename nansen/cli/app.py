"""Entry point of the `nansen` console script."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from nansen.cli import chain_commands, governance_commands
from nansen.errors import NansenError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nansen", description="Nansen operator tools: local chain, deployment, issuer governance."
    )
    nouns = parser.add_subparsers(dest="noun", required=True)
    chain_commands.register(nouns)
    governance_commands.register(nouns)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except NansenError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
