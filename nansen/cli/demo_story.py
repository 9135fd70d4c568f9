"""`nansen demo`: the whole story with real processes (anvil, issuer, verifier, the wallet CLI).

Each step prints one line; the command exits non-zero if any outcome differs from the expected one,
and stops every process it started. Services are driven over HTTP and the wallet as a subprocess,
so this module imports none of them.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from nansen.chain import devchain
from nansen.cli.dev_commands import DEMO_ISSUER_ID, bootstrap_environment

VCT = f"{DEMO_ISSUER_ID}/.well-known/vct/refugee_identity"  # the issuer's default vct
PERSON = {
    "given_name": "Amina",
    "family_name": "Haddad",
    "birth_date": "1990-04-01",
    "sex": "female",
    "nationality": "SY",
    "place_of_birth": "Aleppo",
    "registration_number": "REG-2026-0042",
    "registration_date": "2026-11-20",
    "languages": ["ar", "en"],
    "age_over_18": True,
}
STALENESS = 5.0


class StoryFailed(Exception):
    pass


def http(
    method: str, url: str, body: dict[str, Any] | None = None, token: str | None = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback services)
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@contextmanager
def service(name: str, module: str, port: int, env: dict[str, str], log_dir: Path) -> Iterator[str]:
    log = (log_dir / f"{name}.log").open("ab")
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            f"{module}:app_from_environment",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=1).read()  # noqa: S310
                break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise StoryFailed(f"{name} did not start; see {log_dir / (name + '.log')}") from exc
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wallet(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own CLI, argument list)
        [sys.executable, "-m", "wallet_cli.app", "--lang", "en", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def expect(condition: bool, line: str, detail: object = "") -> None:
    print(
        ("  ok  " if condition else "  FAIL ") + line + (f"  [{detail}]" if not condition and detail else ""),
        flush=True,
    )
    if not condition:
        raise StoryFailed(line)


def run_story(data_dir: Path, *, keep_console: bool = False) -> None:
    with ExitStack() as stack:
        env_base = bootstrap_environment(data_dir)
        chain_dir = data_dir / "chain"
        stack.callback(devchain.stop, chain_dir)
        logs = data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        issuer_port, verifier_port = devchain.free_port(), devchain.free_port()
        issuer_env = {
            **os.environ,
            **env_base["issuer"],
            "NANSEN_ISSUER_PUBLIC_URL": f"http://127.0.0.1:{issuer_port}",
        }
        verifier_env = {
            **os.environ,
            **env_base["verifier"],
            "NANSEN_VERIFIER_PUBLIC_URL": f"http://127.0.0.1:{verifier_port}",
            "NANSEN_VERIFIER_MAX_STALENESS_SECONDS": str(STALENESS),
            "NANSEN_VERIFIER_SYNC_INTERVAL_SECONDS": "0.5",
        }
        wallet_env = {**os.environ, **env_base["wallet"]}
        staff_token = env_base["tokens"]["staff"]
        officer_token = env_base["tokens"]["officer"]
        issuer_url = stack.enter_context(service("issuer", "issuer.app", issuer_port, issuer_env, logs))
        verifier_url = stack.enter_context(
            service("verifier", "verifier.app", verifier_port, verifier_env, logs)
        )
        print(f"Chain, issuer ({issuer_url}) and verifier ({verifier_url}) are running.", flush=True)
        print(
            f"Staff console: {issuer_url}/console/ (sign in as the demo administrator with the staff "
            f"token {staff_token})",
            flush=True,
        )

        received, offers = [], []
        # two credentials: the first is revoked later, the second shows the chain outage
        for which in ("a credential", "a second credential (kept for the outage step)"):
            status, offer = http("POST", f"{issuer_url}/offers", {"claims": PERSON}, staff_token)
            expect(status == 201, f"NGO staff registered a person and created an offer for {which}", offer)
            done = wallet(wallet_env, "receive", offer["offer_uri"], "--tx-code", offer["tx_code"])
            expect(
                done.returncode == 0 and "accredited and valid" in done.stdout,
                f"The wallet received {which} with the spoken code and checked it on chain",
                done.stdout + done.stderr,
            )
            received.append(done.stdout.split("Saved credential ")[1].split()[0])
            offers.append(offer["id"])

        def verify(credential: str) -> dict[str, Any]:
            status, request = http(
                "POST",
                f"{verifier_url}/requests",
                {
                    "credential_type": VCT,
                    "claims": [["nationality"], ["age_over_18"]],
                    "purpose": "Border entry check",
                },
                officer_token,
            )
            if status != 201:
                raise StoryFailed(f"request failed: {request}")
            done = wallet(wallet_env, "present", request["request_uri"], "--yes", "--credential", credential)
            if done.returncode != 0:
                raise StoryFailed(f"wallet present failed: {done.stdout}{done.stderr}")
            _, result = http(
                "GET", f"{verifier_url}/requests/{request['id']}/result?wait=10", token=officer_token
            )
            return result  # type: ignore[no-any-return]

        result = verify(received[0])
        expect(
            result.get("verdict") == "valid"
            and result.get("claims") == {"nationality": "SY", "age_over_18": True},
            f"Officer asked for nationality and age_over_18: VALID, shown {result.get('claims')} (no name, "
            "no birth date)",
            result,
        )

        listing = http("GET", f"{issuer_url}/credentials", token=staff_token)[1]
        first = next(c["id"] for c in listing if c["offer_id"] == offers[0])
        status, _ = http("POST", f"{issuer_url}/credentials/{first}/revoke", {"reason": "fraud"}, staff_token)
        expect(status == 202, "NGO staff revoked the credential")
        deadline = time.monotonic() + 20
        while True:
            result = verify(received[0])
            if result.get("reason") == "status:revoked" or time.monotonic() > deadline:
                break
            time.sleep(1)
        expect(
            result.get("verdict") == "invalid" and result.get("reason") == "status:revoked",
            "The wallet presented again: REVOKED",
            result,
        )

        devchain.stop(chain_dir)
        result = verify(received[1])
        ago = (result.get("chain") or {}).get("synced_seconds_ago")
        expect(
            result.get("verdict") == "valid",
            f"The chain stopped; within the {STALENESS:.0f} s bound the verifier still answers VALID "
            f"from its mirror (synced {ago} s ago)",
            result,
        )
        time.sleep(STALENESS + 1)
        result = verify(received[1])
        expect(
            result.get("verdict") == "unknown",
            f"Past the bound the verdict is UNKNOWN (mirror {_age(result)} s old), never valid",
            result,
        )
        if keep_console:
            _serve_console(chain_dir, env_base["issuer"]["NANSEN_ISSUER_RPC_URL"], issuer_url, staff_token)
        print("The story ran as expected. Every process is stopped.", flush=True)


def _serve_console(chain_dir: Path, rpc_url: str, issuer_url: str, staff_token: str) -> None:
    """After the story: the chain back up (same port, saved state) and the issuer left running for
    the staff console, until Ctrl-C."""
    devchain.start(chain_dir, port=int(rpc_url.rsplit(":", 1)[1]))  # the port the issuer knows
    print(
        f"\nThe chain is back up. Open the staff console at {issuer_url}/console/ and sign in with the "
        f"demo administrator's staff token:\n\n    {staff_token}\n\nPress Ctrl-C to stop everything.",
        flush=True,
    )
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):  # also when started where SIGINT is ignored
        signal.signal(number, lambda *_: stop.set())
    while not stop.wait(3600):
        pass
    print("", flush=True)


def _age(result: dict[str, Any]) -> object:
    return (result.get("chain") or {}).get("synced_seconds_ago")


def demo(args: argparse.Namespace) -> int:
    data_dir = Path(os.environ.get("NANSEN_DATA_DIR", ".data/demo"))
    try:
        run_story(data_dir, keep_console=getattr(args, "console", False))
    except StoryFailed as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    return 0
