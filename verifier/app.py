"""create_app(settings): the verifier service, its chain mirror running in the background."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from nansen.asgi_limits import BodyLimitMiddleware
from nansen.chain.connection import connect
from nansen.chain.deployment import check_deployment, load_deployment
from nansen.chain.mirror import ChainMirror, MirrorSyncer
from nansen.credential.trust import TrustSource
from nansen.credential.verification import CredentialVerifier, VerificationPolicy
from nansen.errors import ChainError
from verifier import problems
from verifier.deps import ServiceState
from verifier.metrics import LatencyMiddleware, VerifierMetrics
from verifier.officers import OfficerDirectory
from verifier.routes import health, offline, requests, wallet
from verifier.settings import VerifierSettings
from verifier.store import StateStore


def _chain_mirror(settings: VerifierSettings) -> ChainMirror:
    conn = connect(settings.rpc_url, expected_chain_id=settings.chain_id)
    deployment = load_deployment(settings.deployments_dir, conn.chain_id)
    check_deployment(conn, deployment)
    return ChainMirror(conn, deployment, confirmations=settings.confirmations)


def create_app(settings: VerifierSettings, *, trust: TrustSource | None = None) -> FastAPI:
    """The verifier app. ``trust`` replaces the chain mirror (tests pass a small in-memory fake)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        syncer: MirrorSyncer | None = None
        source = trust
        if source is None:
            mirror = _chain_mirror(settings)
            # if the chain is down now the syncer keeps trying; until then every verdict is "unknown"
            with contextlib.suppress(ChainError):
                mirror.sync()
            syncer = MirrorSyncer(mirror, interval=settings.sync_interval_seconds)
            syncer.start()
            source = mirror
        policy = VerificationPolicy(
            max_staleness=settings.max_staleness_seconds,
            clock_skew=settings.clock_skew_seconds,
            kb_max_age=settings.kb_max_age_seconds,
        )
        app.state.service = ServiceState(
            settings=settings,
            trust=source,
            verifier=CredentialVerifier(source, policy=policy),
            store=StateStore(settings.state_db),
            officers=OfficerDirectory(settings.officers_file),
            metrics=VerifierMetrics(),
        )
        try:
            yield
        finally:
            if syncer is not None:
                syncer.stop()

    app = FastAPI(title="Nansen verifier", version="0.1.0", lifespan=lifespan)
    problems.install(app)
    for module in (requests, wallet, offline, health):
        app.include_router(module.router)

    app.add_middleware(LatencyMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app


def app_from_environment() -> FastAPI:
    """ASGI factory for uvicorn: `uvicorn --factory verifier.app:app_from_environment`."""
    return create_app(VerifierSettings())
