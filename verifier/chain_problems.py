"""What is wrong with the verifier's link to the chain, in stable codes and our own words: /health is
public, so a problem names no URL or address and never repeats the node's (untrusted) words."""

from __future__ import annotations

from dataclasses import dataclass

from nansen.chain.errors import (
    DeploymentError,
    LogQueryRefusedError,
    LogsRejectedError,
    RpcRefusedError,
    RpcUnavailableError,
    WrongChainError,
)
from nansen.errors import NansenError


@dataclass(frozen=True)
class ChainProblem:
    reason: str  # a stable code, e.g. "chain_unreachable"
    detail: str  # for officers and operators; names no URL or address (/health is public)


CONNECTING = ChainProblem("chain_connecting", "The verifier is connecting to the blockchain node.")
_PROBLEMS: tuple[tuple[type[NansenError], ChainProblem], ...] = (
    (
        RpcUnavailableError,
        ChainProblem(
            "chain_unreachable",
            "The blockchain node does not answer. The verifier keeps retrying and catches up by itself.",
        ),
    ),
    (
        WrongChainError,
        ChainProblem(
            "wrong_chain",
            "The blockchain node serves another chain than the configured one; nothing from it is trusted.",
        ),
    ),
    (
        DeploymentError,
        ChainProblem(
            "deployment_invalid",
            "The registry deployment is missing, or its contracts could not be confirmed on the chain; "
            "nothing is trusted until they are.",
        ),
    ),
)
CHAIN_ERROR = ChainProblem(
    "chain_error", "Reading the registry from the blockchain failed. The verifier keeps retrying."
)


def problem_of(exc: Exception) -> ChainProblem:
    if isinstance(exc, LogQueryRefusedError):  # names the range, not the node's words (untrusted)
        blocks = exc.to_block - exc.from_block + 1
        return ChainProblem(
            "log_query_refused",
            f"The blockchain node refused the event log query for blocks {exc.from_block}-{exc.to_block} "
            + (
                "(a single block), so it does not serve event logs to this verifier."
                if blocks == 1
                else f"({blocks} blocks) after narrower ranges too; lower NANSEN_VERIFIER_LOG_RANGE_BLOCKS."
            )
            + " The verifier keeps retrying.",
        )
    if isinstance(exc, LogsRejectedError):  # our own words: which check failed, never the node's
        return ChainProblem(
            "logs_rejected",
            f"The blockchain node's event logs for blocks {exc.from_block}-{exc.to_block} failed a check "
            f"({exc.check}); nothing from them was used. The verifier keeps retrying.",
        )
    if isinstance(exc, RpcRefusedError):
        return ChainProblem(
            "chain_refused",
            "The blockchain node refused a request the verifier needs; the verifier's log says which.",
        )
    return next((problem for kind, problem in _PROBLEMS if isinstance(exc, kind)), CHAIN_ERROR)
