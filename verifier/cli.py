"""`nansen-verifier serve | add-officer | mirror export FILE | mirror import FILE`.

Exit codes: 0 done; 1 another failure (its message says which); 2 invalid settings; for `mirror
import`: 3 a damaged, truncated or unreadable file, 4 a file of a newer format, 5 a file for another
chain or deployment, 6 a file older than the installed mirror, 7 a file whose fingerprint is not the
one given. A refused import changes nothing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from nansen.chain.errors import SnapshotError
from nansen.errors import NansenError
from verifier.mirror_cli import export_mirror, import_mirror
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
    mirror = verbs.add_parser("mirror", help="carry the chain mirror to a verifier without a link")
    mirror_verbs = mirror.add_subparsers(dest="mirror_verb", required=True)
    mirror_verbs.add_parser(
        "export", help="write the mirror (caught up first if the chain answers)"
    ).add_argument("file", type=Path)
    importing = mirror_verbs.add_parser("import", help="check a mirror file and install it")
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--fingerprint", help="the fingerprint `mirror export` printed, read out by its operator"
    )
    args = parser.parse_args(argv)
    try:
        settings = VerifierSettings()
        if args.verb == "add-officer":
            token = OfficerDirectory(settings.officers_file).add(args.name, args.role)
            print(f"officer {args.name!r} created; token (shown once, keep it secret):\n{token}")
            return 0
        if args.verb == "mirror":
            if args.mirror_verb == "export":
                print(export_mirror(settings, args.file))
            else:
                print(import_mirror(settings, args.file, expected_fingerprint=args.fingerprint))
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
    except SnapshotError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        return exc.exit_code
    except NansenError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        return 1
    except ValueError as exc:  # settings validation
        print(f"error: invalid settings: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
