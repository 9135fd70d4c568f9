"""docker-compose.yml without a container engine: the wheel is built from exactly what the
Dockerfile copies, installed into a stand-in for the image, and every service's command from
`docker-compose config` runs as uid 10001 against folders prepared as the Dockerfile prepares its
volume mount points, on a real anvil and PostgreSQL: the one-shot steps twice (the second `up`
changes nothing), then the issuer and verifier serve, and the first admin and an officer are added
while they run."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from nansen.chain import devchain

pytestmark = pytest.mark.chain
ROOT = Path(__file__).resolve().parents[2]
UID = 10001
SECRETS = {
    "NANSEN_GOVERNANCE_PASSPHRASE": "governance passphrase",
    "POSTGRES_PASSWORD": "unused here",
    "NANSEN_ISSUER_ID": "https://ngo.example",
    "NANSEN_ISSUER_SIGNING_KEY_PASSPHRASE": "signing passphrase",
    "NANSEN_ISSUER_CHAIN_KEYSTORE_PASSPHRASE": "issuer passphrase",
    "NANSEN_VERIFIER_PUBLIC_URL": "https://verifier.example",
}
ONE_SHOTS = ["keys", "funder", "deployer", "accreditor", "key-registrar"]
SYSTEM_PYTHON = Path("/usr/bin/python3")  # the tests' own interpreter may sit where uid 10001 cannot go


def dockerfile_copies() -> list[str]:
    """The sources of the build stage's COPY lines (the runtime stage copies only the wheel)."""
    build_stage = (ROOT / "Dockerfile").read_text().split("\nFROM ")[1]
    sources: list[str] = []
    for line in build_stage.splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            sources += line.split()[1:-1]
    return sources


def prepared_dirs() -> dict[str, int]:
    """Mount points the Dockerfile prepares for uid 10001, with their modes."""
    found: dict[str, int] = {}
    for match in re.finditer(
        r"install -d -o 10001 -g 10001 -m (0\d{3}) ([^\\&\n]+)", (ROOT / "Dockerfile").read_text()
    ):
        for path in match.group(2).split():
            found[path] = int(match.group(1), 8)
    return found


def compose_config() -> dict[str, Any]:
    found = shutil.which("docker-compose")
    if not found:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("docker-compose is required in CI (make test installs the Debian package)")
        pytest.skip("docker-compose not installed")
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    done = subprocess.run(
        [found, "-f", str(ROOT / "docker-compose.yml"), "config"],
        cwd=ROOT,
        env={**clean, **SECRETS},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    config: dict[str, Any] = yaml.safe_load(done.stdout)
    return config


@dataclass
class Image:
    root: Path  # world-traversable, like an image's filesystem
    bin: Path


@pytest.fixture(scope="module")
def image() -> Iterator[Image]:
    if os.geteuid() != 0 or not SYSTEM_PYTHON.exists():
        pytest.skip("needs root (to run commands as uid 10001) and Debian's python3")
    root = Path(tempfile.mkdtemp(prefix="nansen-image-"))
    try:
        root.chmod(0o755)
        src = root / "src"
        src.mkdir()
        for source in dockerfile_copies():  # exactly these: a file the build needs and misses fails here
            origin = ROOT / source
            if origin.is_dir():
                shutil.copytree(origin, src / source, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
            else:
                shutil.copy2(origin, src / source)
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root / "wheels"), str(src)],
            check=True,
            timeout=600,
        )
        (wheel,) = (root / "wheels").glob("nansen-*.whl")
        names = zipfile.ZipFile(wheel).namelist()
        assert any(re.fullmatch(r"nansen/crypto/_native\..*\.so", n) for n in names), (
            "no C module in the wheel"
        )
        assert "nansen/chain/build/IssuerRegistry.json" in names, "no contract artifacts in the wheel"
        venv = root / "venv"
        subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(venv)], check=True, timeout=120)
        (site,) = (venv / "lib").glob("python3*/site-packages")
        # the dependencies from the test environment; our code only from the wheel
        (site / "dependencies.pth").write_text(
            next(Path(p) for p in sys.path if p.endswith("site-packages")).as_posix() + "\n"
        )
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "--no-deps", "--no-index", str(wheel)],
            check=True,
            timeout=120,
        )
        yield Image(root, venv / "bin")
    finally:
        shutil.rmtree(root, ignore_errors=True)


class Stack:
    def __init__(self, image: Image, config: dict[str, Any], rpc_url: str, database_url: str) -> None:
        self.image = image
        self.config = config
        self.rpc_url = rpc_url
        self.database_url = database_url
        self.volumes = image.root / "volumes"
        self.mounts: dict[str, Path] = {}
        for path, mode in prepared_dirs().items():
            local = self.volumes / path.strip("/")
            local.mkdir(parents=True, exist_ok=True)
            os.chown(local, UID, UID)
            local.chmod(mode)
            self.mounts[path] = local
        for parent in {p for local in self.mounts.values() for p in local.parents if image.root in p.parents}:
            parent.chmod(0o755)

    def service(self, name: str) -> dict[str, Any]:
        service: dict[str, Any] = self.config["services"][name]
        return service

    def _local(self, text: str) -> str:
        for path in sorted(self.mounts, key=len, reverse=True):
            text = text.replace(path, str(self.mounts[path]))
        return text.replace("http://chain:8545", self.rpc_url)

    def environment(self, name: str) -> dict[str, str]:
        env = {"PATH": f"{self.image.bin}:/usr/bin:/bin", "HOME": str(self.mounts["/app"]), "LANG": "C.UTF-8"}
        for key, value in (self.service(name).get("environment") or {}).items():
            env[key] = self.database_url if key.endswith("DATABASE_URL") else self._local(str(value))
        return env

    def command(self, name: str, **ports: int) -> list[str]:
        argv = [self._local(str(a)) for a in self.service(name)["command"]]
        for container_port, local_port in ports.items():
            argv = [str(local_port) if a == container_port.removeprefix("p") else a for a in argv]
        return argv

    def run(self, name: str, argv: list[str] | None = None) -> subprocess.CompletedProcess[str]:
        self.check_mounts(name)
        return subprocess.run(
            argv or self.command(name),
            env=self.environment(name),
            cwd=self.mounts["/app"],
            user=UID,
            group=UID,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def start(self, name: str, port: int, container_port: str) -> subprocess.Popen[bytes]:
        self.check_mounts(name)
        return subprocess.Popen(
            self.command(name, **{f"p{container_port}": port}),
            env=self.environment(name),
            cwd=self.mounts["/app"],
            user=UID,
            group=UID,
            start_new_session=True,
        )

    def check_mounts(self, name: str) -> None:
        """Every volume the service mounts is one the Dockerfile prepared (else it is root's)."""
        for volume in self.service(name).get("volumes", []):
            target = volume["target"] if isinstance(volume, dict) else volume.split(":")[1]
            assert target in self.mounts, f"{name} mounts {target}, which the Dockerfile does not prepare"


@pytest.fixture()
def stack(image: Image, postgres_url: str) -> Iterator[Stack]:
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    with engine.begin() as db:
        db.execute(text("DROP SCHEMA public CASCADE"))
        db.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    chain = devchain.start(image.root / "chain")
    try:
        yield Stack(image, compose_config(), chain.rpc_url, postgres_url)
    finally:
        devchain.stop(image.root / "chain")
        shutil.rmtree(image.root / "volumes", ignore_errors=True)


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    deadline = time.monotonic() + 90
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{url} exited with {process.returncode}"
        try:
            last = httpx.get(f"{url}/health", timeout=2).json()
            if last.get("status") == "ok":
                return last
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never healthy: {last}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def test_compose_services_run_as_uid_10001_twice_then_serve(stack: Stack) -> None:
    first = {name: stack.run(name) for name in ONE_SHOTS}
    for name, done in first.items():
        assert done.returncode == 0, (name, done.stdout, done.stderr)
    keys = stack.mounts["/keys"]
    for key in ("governance.json", "issuer.json", "signing-key.pem"):
        info = (keys / key).stat()
        assert (info.st_uid, info.st_mode & 0o777) == (UID, 0o600), key
    deployment = stack.mounts["/deployments"] / "31337.json"
    saved = json.loads(deployment.read_text())
    assert deployment.stat().st_uid == UID

    second = {name: stack.run(name) for name in ONE_SHOTS}  # the next `docker-compose up`
    for name, done in second.items():
        assert done.returncode == 0, (name, done.stdout, done.stderr)
    assert json.loads(deployment.read_text()) == saved  # the accredited deployment is kept
    assert "kept the deployment" in second["deployer"].stdout
    assert "already accredited" in second["accreditor"].stdout
    assert "already registered" in second["key-registrar"].stdout

    issuer_port, verifier_port = devchain.free_port(), devchain.free_port()
    issuer = stack.start("issuer", issuer_port, "8001")
    verifier = stack.start("verifier", verifier_port, "8002")
    try:
        wait_healthy(f"http://127.0.0.1:{issuer_port}", issuer)
        wait_healthy(f"http://127.0.0.1:{verifier_port}", verifier)
        # the documented explicit steps, beside the running services
        admin = stack.run("issuer", ["nansen-issuer", "bootstrap-admin", "Registration lead"])
        assert admin.returncode == 0, admin.stderr
        token = admin.stdout.strip().splitlines()[-1]
        offer = httpx.post(
            f"http://127.0.0.1:{issuer_port}/offers?qr=false",
            json={"credential_type": "refugee_identity", "claims": CLAIMS},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert offer.status_code == 201, offer.text
        officer = stack.run("verifier", ["nansen-verifier", "add-officer", "Border post 3"])
        assert officer.returncode == 0, officer.stderr
        officer_token = officer.stdout.strip().splitlines()[-1]
        deadline = time.monotonic() + 15  # the running verifier notices the new officer by itself
        while True:
            challenge = httpx.post(
                f"http://127.0.0.1:{verifier_port}/offline/challenges",
                headers={"Authorization": f"Bearer {officer_token}"},
                timeout=5,
            )
            if challenge.status_code in (200, 201) or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert challenge.status_code in (200, 201), challenge.text
    finally:
        stop(issuer)
        stop(verifier)


CLAIMS = {
    "given_name": "Amina",
    "family_name": "Haddad",
    "birth_date": "1990-04-01",
    "sex": "female",
    "nationality": "SY",
    "place_of_birth": "Aleppo",
    "registration_number": "REG-2026-0001",
    "registration_date": "2026-11-20",
    "languages": ["ar", "en"],
    "age_over_18": True,
}
