"""`nansen-verifier serve | add-officer`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from nansen.errors import NansenError
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nansen-verifier", description="Nansen verifier service")
    verbs = parser.add_subparsers(dest="verb", required=True)
    serve = verbs.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8002)
    serve.add_argument("--workers", type=int, default=1)
    add = verbs.add_parser("add-officer", help="create an officer token (shown once)")
    add.add_argument("name")
    add.add_argument("--role", choices=["officer", "admin"], default="officer")
    args = parser.parse_args(argv)
    try:
        settings = VerifierSettings()
        if args.verb == "add-officer":
            token = OfficerDirectory(settings.officers_file).add(args.name, args.role)
            print(f"officer {args.name!r} created; token (shown once, keep it secret):\n{token}")
            return 0
        import uvicorn

        uvicorn.run(
            "verifier.app:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="warning",
            access_log=False,
        )
        return 0
    except NansenError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        return 1
    except ValueError as exc:  # settings validation
        print(f"error: invalid settings: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
