"""An issuer under test: real anvil chain, accredited chain account, registered signing key."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from fastapi.testclient import TestClient
from pydantic import SecretStr

from issuer.keys import create_signing_key
from issuer.settings import IssuerSettings
from nansen.chain import devchain
from nansen.chain.connection import Connection, connect
from nansen.chain.deployment import Deployment, deploy_registries, save_deployment
from nansen.chain.keystore import create_keystore, keystore_address
from nansen.chain.registry import Registry
from nansen.chain.transactions import TransactionSender
from nansen.crypto.keys import PrivateKey, generate_private_key
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
from nansen.openid4vci.proof import build_proof_jwt

ISSUER_ID = "https://issuer.ngo.example"
PASSPHRASE = "test passphrase only"
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


@dataclass
class ChainSetup:
    chain: devchain.DevChain
    conn: Connection
    deployment: Deployment
    registry: Registry


@dataclass
class Office:
    """An issuer app under a test client, its chain, and an administrator's and an officer's headers."""

    client: TestClient
    chain: ChainSetup
    settings: IssuerSettings
    admin: dict[str, str]
    officer: dict[str, str]


def chain_setup(tmp: Path, chain: devchain.DevChain) -> tuple[ChainSetup, IssuerSettings]:
    conn = connect(chain.rpc_url, expected_chain_id=chain.chain_id)
    governance = Account.create()
    devchain.fund(chain.rpc_url, governance.address)
    gov = TransactionSender(conn, governance)
    deployment = deploy_registries(conn, gov)
    save_deployment(tmp / "deployments", deployment)
    registry = Registry(conn, deployment)
    keystore = tmp / "keys" / "issuer.json"
    create_keystore(keystore, PASSPHRASE, kdf="pbkdf2")
    address = keystore_address(keystore)
    devchain.fund(chain.rpc_url, address)
    registry.writer(gov).accredit_issuer(address, "Field Office NGO", ISSUER_ID)
    settings = IssuerSettings(
        issuer_id=ISSUER_ID,
        public_url="http://127.0.0.1:8001",
        data_dir=tmp / "issuer",
        rpc_url=chain.rpc_url,
        chain_id=chain.chain_id,
        deployments_dir=tmp / "deployments",
        signing_key_file=tmp / "issuer" / "signing-key.pem",
        signing_key_passphrase=SecretStr(PASSPHRASE),
        chain_keystore=keystore,
        chain_keystore_passphrase=SecretStr(PASSPHRASE),
        batch_window_ms=100,
        _env_file=None,  # type: ignore[call-arg]
    )
    key = create_signing_key(settings.signing_key_file, PASSPHRASE)
    from nansen.chain.keystore import load_account

    writer = registry.writer(TransactionSender(conn, load_account(keystore, PASSPHRASE)))
    writer.add_key(key.kid_bytes, key.key.public_key().raw(), int(time.time()) - 60)
    return ChainSetup(chain, conn, deployment, registry), settings


def wallet_receive(
    client: TestClient, offer_uri: str, tx_code: str, holder: PrivateKey | None = None
) -> tuple[dict, PrivateKey]:  # type: ignore[type-arg]
    """The wallet's side of the pre-authorized code flow, over the test client."""
    holder = holder or generate_private_key()
    offer = parse_offer(offer_uri)
    token = client.post(
        "/token",
        data={
            "grant_type": PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": offer.pre_authorized_code,
            "tx_code": tx_code,
        },
    )
    assert token.status_code == 200, token.text
    access = token.json()["access_token"]
    nonce = client.post("/nonce").json()["c_nonce"]
    proof = build_proof_jwt(
        holder_key=holder, audience=offer.credential_issuer, nonce=nonce, iat=int(time.time())
    )
    response = client.post(
        "/credential",
        headers={"Authorization": f"Bearer {access}"},
        json={
            "credential_configuration_id": offer.credential_configuration_ids[0],
            "proofs": {"jwt": [proof]},
        },
    )
    return {"status": response.status_code, "body": response.json(), "access": access}, holder
