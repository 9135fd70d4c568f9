"""Deploying the registries and reading/writing deployments/<chainId>.json, checked against the chain."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address

from nansen.atomic_file import replace_private
from nansen.chain.artifacts import load_artifact, runtime_code_matches
from nansen.chain.connection import Connection
from nansen.chain.errors import DeploymentError
from nansen.chain.transactions import TransactionSender


@dataclass(frozen=True)
class Deployment:
    chain_id: int
    issuer_registry: str
    credential_registry: str
    block_number: int
    tx_hash: str
    governance: str


def deployment_path(directory: Path, chain_id: int) -> Path:
    return directory / f"{chain_id}.json"


def deploy_registries(connection: Connection, governance_sender: TransactionSender) -> Deployment:
    """Deploys IssuerRegistry, whose constructor deploys its CredentialRegistry, in one transaction."""
    artifact = load_artifact("IssuerRegistry")
    data = artifact.bytecode + abi_encode(["address"], [governance_sender.address])
    receipt = governance_sender.send(None, data)
    if not receipt.contract_address:
        raise DeploymentError(f"deployment transaction {receipt.tx_hash} created no contract")
    issuer_registry = to_checksum_address(receipt.contract_address)
    contract = connection.w3.eth.contract(address=issuer_registry, abi=artifact.abi)
    credential_registry = to_checksum_address(contract.functions.credentialRegistry().call())
    return Deployment(
        chain_id=connection.chain_id,
        issuer_registry=issuer_registry,
        credential_registry=credential_registry,
        block_number=receipt.block_number,
        tx_hash=receipt.tx_hash,
        governance=governance_sender.address,
    )


def save_deployment(directory: Path, deployment: Deployment) -> Path:
    """Writes the deployment file atomically (temp file, fsync, rename)."""
    target = deployment_path(directory, deployment.chain_id)
    text = json.dumps(asdict(deployment), indent=2, sort_keys=True) + "\n"
    replace_private(target, text.encode("utf-8"))
    return target


def load_deployment(directory: Path, chain_id: int) -> Deployment:
    path = deployment_path(directory, chain_id)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Deployment(
            chain_id=int(raw["chain_id"]),
            issuer_registry=to_checksum_address(raw["issuer_registry"]),
            credential_registry=to_checksum_address(raw["credential_registry"]),
            block_number=int(raw["block_number"]),
            tx_hash=str(raw["tx_hash"]),
            governance=to_checksum_address(raw["governance"]),
        )
    except FileNotFoundError as exc:
        raise DeploymentError(
            f"no deployment file {path}",
            user_message=(
                f"No registry deployment is recorded for chain {chain_id} (expected {path}). "
                "Run `nansen deploy`, or set NANSEN_DEPLOYMENTS_DIR to the folder that holds it."
            ),
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DeploymentError(
            f"deployment file {path} is malformed: {type(exc).__name__}: {exc}",
            user_message=f"The deployment file {path} is damaged. Restore it or deploy again.",
        ) from exc


def check_deployment(connection: Connection, deployment: Deployment) -> None:
    """Refuses an address with no code or with code that is not our compiled registry (an impostor)."""
    if deployment.chain_id != connection.chain_id:
        raise DeploymentError(
            f"deployment is for chain {deployment.chain_id}, node serves {connection.chain_id}"
        )
    for name, address in (
        ("IssuerRegistry", deployment.issuer_registry),
        ("CredentialRegistry", deployment.credential_registry),
    ):
        code = bytes.fromhex(connection.rpc("eth_getCode", [address, "latest"])[2:])
        if not code:
            raise DeploymentError(
                f"no contract code at {address} ({name}) on chain {connection.chain_id}",
                user_message=(
                    f"There is no {name} contract at {address} on chain {connection.chain_id}. "
                    "The chain may have been reset: run `nansen deploy` again."
                ),
            )
        if not runtime_code_matches(load_artifact(name), code):
            raise DeploymentError(
                f"the code at {address} is not the {name} this release was built with",
                user_message=(
                    f"The contract at {address} is not a genuine {name} of this release. "
                    "Refusing to trust it; check the deployment file and the network."
                ),
            )
