"""Connecting to an EVM JSON-RPC node with bounded timeouts and a chain id check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from web3 import Web3
from web3.exceptions import Web3Exception

from nansen.chain.errors import RpcRefusedError, RpcUnavailableError, WrongChainError

_TRANSPORT_ERRORS = (requests.RequestException, OSError, Web3Exception)


@dataclass(frozen=True)
class Connection:
    """A web3 handle known to serve ``chain_id``; middleware off so one call is one request."""

    w3: Web3
    rpc_url: str
    chain_id: int
    settings_prefix: str = "NANSEN_"  # whose settings name the node in messages: NANSEN_ISSUER_, ...

    def rpc(self, method: str, params: list[Any]) -> Any:
        """One raw JSON-RPC request, errors turned into ChainError leaves."""
        try:
            response = self.w3.provider.make_request(method, params)  # type: ignore[arg-type]
        except _TRANSPORT_ERRORS as exc:
            raise RpcUnavailableError(
                self.rpc_url, f"{type(exc).__name__}: {exc}", settings_prefix=self.settings_prefix
            ) from exc
        if "error" in response:
            error = response["error"]
            detail = str(error.get("message", error)) if isinstance(error, dict) else str(error)
            raise RpcRefusedError(self.rpc_url, method, detail)
        return response["result"]

    def rpc_batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        """Several requests in one JSON-RPC batch (one round trip), answers in call order; any
        refusal, of the batch or of one call in it, raises RpcRefusedError."""
        try:
            responses = self.w3.provider.make_batch_request(calls)  # type: ignore[attr-defined]
        except _TRANSPORT_ERRORS as exc:
            raise RpcUnavailableError(
                self.rpc_url, f"{type(exc).__name__}: {exc}", settings_prefix=self.settings_prefix
            ) from exc
        if not isinstance(responses, list) or len(responses) != len(calls):
            detail = str(responses.get("error", responses)) if isinstance(responses, dict) else "no list"
            raise RpcRefusedError(self.rpc_url, f"a batch of {len(calls)} requests", detail)
        results = []
        for (method, _), response in zip(calls, responses, strict=True):
            if "error" in response or "result" not in response:
                raise RpcRefusedError(self.rpc_url, method, str(response.get("error", "no result")))
            results.append(response["result"])
        return results


def connect(
    rpc_url: str, *, expected_chain_id: int, timeout: float = 10.0, settings_prefix: str = "NANSEN_"
) -> Connection:
    """Connects and refuses a node serving another chain than ``expected_chain_id``; messages name
    the settings ``settings_prefix`` + RPC_URL and CHAIN_ID."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    provider = Web3.HTTPProvider(
        rpc_url, request_kwargs={"timeout": timeout}, session=session, exception_retry_configuration=None
    )
    w3 = Web3(provider, middleware=[])
    try:
        actual = int(w3.eth.chain_id)
    except _TRANSPORT_ERRORS as exc:
        raise RpcUnavailableError(
            rpc_url, f"{type(exc).__name__}: {exc}", settings_prefix=settings_prefix
        ) from exc
    if actual != expected_chain_id:
        raise WrongChainError(
            expected=expected_chain_id, actual=actual, rpc_url=rpc_url, settings_prefix=settings_prefix
        )
    return Connection(w3=w3, rpc_url=rpc_url, chain_id=actual, settings_prefix=settings_prefix)
