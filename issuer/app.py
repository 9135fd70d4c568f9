"""create_app(settings): the issuer service with its anchoring pipeline running in the background."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from issuer import openapi as issuer_openapi
from issuer import problems, web
from issuer.chain_link import ChainLink
from issuer.credential_types import load_types
from issuer.db import make_engine, migrate, session_factory
from issuer.deps import IssuerState
from issuer.fast_path import WalletFastPath
from issuer.issuance import IssuanceFlow
from issuer.key_history import IssuerKeys
from issuer.keys import load_chain_account, load_signing_key, with_certificate_chain
from issuer.lease import lease_for
from issuer.pipeline import AnchoringPipeline
from issuer.pipeline_health import PipelineHealth, health_file
from issuer.readiness import ReadinessWatch
from issuer.routes import credentials, offers, oid4vci, operations, staff
from issuer.settings import IssuerSettings
from issuer.status_list import StatusListPublisher
from issuer.throttle import Throttle
from issuer.wallet_db import WalletDatabase
from issuer.write_lock import write_lock_for
from nansen import openapi
from nansen.asgi_limits import BodyLimitMiddleware
from nansen.chain.deployment import load_deployment

log = logging.getLogger("nansen.issuer")


def create_app(settings: IssuerSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database, busy_timeout_seconds=settings.database_busy_timeout_seconds)
        migrate(engine)
        sessions = session_factory(engine)
        signing_key = load_signing_key(
            settings.signing_key_file, settings.signing_key_passphrase.get_secret_value()
        )
        if settings.x5c_chain_file is not None:
            signing_key = with_certificate_chain(signing_key, settings.x5c_chain_file)
        types = load_types(vct_base=settings.vct_base)
        readiness = ReadinessWatch(sessions)
        wallet_db = WalletDatabase(engine)
        pipeline = None
        publisher = None
        chain = None
        if settings.worker_enabled:
            # configuration errors stop start-up here; the chain itself may be down (see ChainLink)
            chain = ChainLink(
                rpc_url=settings.rpc_url,
                deployment=load_deployment(settings.deployments_dir, settings.chain_id),
                account=load_chain_account(
                    settings.chain_keystore, settings.chain_keystore_passphrase.get_secret_value()
                ),
            )
            pipeline = AnchoringPipeline(
                settings=settings,
                sessions=sessions,
                chain=chain,
                signing_key=signing_key,
                lease=lease_for(engine),
                write_lock=write_lock_for(engine),  # its own open file: flock excludes the wallets' too
                on_ready=readiness.announce,
                health=PipelineHealth(health_file(settings)),
            )
            publisher = StatusListPublisher(
                chain=chain,
                issuer_id=settings.issuer_id,
                size=settings.status_list_size,
                key=signing_key,
                ttl=settings.status_list_ttl_seconds,
            )
            pipeline.start()
        app.state.issuer = IssuerState(
            settings=settings,
            sessions=sessions,
            wallet_db=wallet_db,
            types=types,
            flow=IssuanceFlow(settings, types, signing_key),
            pipeline=pipeline,
            readiness=readiness,
            status_lists=publisher,
            throttle=Throttle(),
            keys=IssuerKeys(
                chain=chain,
                current=signing_key,
                credential_lifetime=settings.credential_lifetime_days * 86_400,
            ),
            chain=chain,
        )
        try:
            yield
        finally:
            if pipeline is not None:
                pipeline.stop()
            wallet_db.close()
            engine.dispose()

    app = FastAPI(title="Nansen issuer", version="0.1.0", lifespan=lifespan)
    problems.install(app)
    openapi.install(
        app, answers=issuer_openapi.ANSWERS, by_tag=issuer_openapi.BY_TAG, bodies=issuer_openapi.BODIES
    )
    web.install(app)
    for module in (oid4vci, offers, credentials, staff, operations):  # wallet routes match first
        app.include_router(module.router)
    app.add_middleware(WalletFastPath)  # inside the body-size limit
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app


def app_from_environment() -> FastAPI:
    """ASGI factory for uvicorn: `uvicorn --factory issuer.app:app_from_environment`."""
    return create_app(IssuerSettings())
