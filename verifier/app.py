"""create_app(settings): the verifier service, its link to the chain kept up in the background."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from nansen import openapi
from nansen.asgi_limits import BodyLimitMiddleware
from nansen.chain.artifacts import CONTRACT_NAMES, load_artifact
from nansen.credential.trust import TrustSource
from nansen.credential.verification import VerificationPolicy
from verifier import openapi as verifier_openapi
from verifier import problems, web
from verifier.chain_link import ChainLink, StaticLink, TrustLink
from verifier.deps import ServiceState
from verifier.fast_path import VerifierApp
from verifier.metrics import LatencyMiddleware, VerifierMetrics
from verifier.officers import OfficerDirectory
from verifier.offline_challenges import OfflineChallenges
from verifier.request_signing import load_request_signer
from verifier.routes import health, offline, request_objects, requests, wallet
from verifier.settings import VerifierSettings
from verifier.store import StateStore

# with the node up the first sync finishes within this and the service starts ready; with it down,
# the service starts anyway and answers "unknown" until the link catches up
FIRST_SYNC_WAIT_SECONDS = 5.0


def create_app(settings: VerifierSettings, *, trust: TrustSource | None = None) -> FastAPI:
    """The verifier app. ``trust`` replaces the chain link (tests pass a small in-memory fake)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        policy = VerificationPolicy(
            max_staleness=settings.max_staleness_seconds,
            clock_skew=settings.clock_skew_seconds,
            kb_max_age=settings.kb_max_age_seconds,
            anchor_grace=settings.anchor_grace_seconds,
        )
        # built before the link starts, so a bad officers file or state dir fails start-up cleanly
        request_signer = load_request_signer(settings)  # a key or chain no wallet would take: stop
        officers = OfficerDirectory(settings.officers_file)
        store = StateStore(settings.state_db)
        offline_challenges = OfflineChallenges(settings.offline_challenges_dir)
        chain: ChainLink | None = None
        link: TrustLink
        if trust is None:
            for name in CONTRACT_NAMES:
                load_artifact(name)  # a packaging fault, not a chain outage: fail start-up
            chain = ChainLink.from_settings(settings, policy=policy)
            chain.start()
            link = chain
        else:
            link = StaticLink(trust, policy=policy)
        try:
            if chain is not None:
                await asyncio.to_thread(chain.wait_first_attempt, FIRST_SYNC_WAIT_SECONDS)
            app.state.service = ServiceState(
                settings=settings,
                link=link,
                store=store,
                offline_challenges=offline_challenges,
                officers=officers,
                metrics=VerifierMetrics(),
                request_signer=request_signer,
            )
            app.state.console = web.open_console(settings)
            yield
        finally:
            if chain is not None:
                chain.stop()
            store.close()

    # Prometheus /metrics is the service's telemetry; FastAPI's native OpenTelemetry would look up
    # the global providers on every request, so it is switched off
    app = VerifierApp(
        max_body_bytes=settings.max_body_bytes,
        title="Nansen verifier",
        version="0.1.0",
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    problems.install(app)
    openapi.install(app, answers=verifier_openapi.ANSWERS, by_tag=verifier_openapi.BY_TAG)
    for module in (requests, wallet, request_objects, offline, health):
        app.include_router(module.router)
    web.install(app)

    app.add_middleware(LatencyMiddleware)
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.max_body_bytes, path_limits=web.PHOTO_UPLOAD_LIMITS
    )
    return app


def app_from_environment() -> FastAPI:
    """ASGI factory for uvicorn: `uvicorn --factory verifier.app:app_from_environment`."""
    return create_app(VerifierSettings())
