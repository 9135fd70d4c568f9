"""The issuer's OpenAPI document declares every answer it gives (tests/openapi_conformance.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from issuer_desk import chain_setup
from openapi_conformance import run_schemathesis, served, summary

from issuer.app import create_app
from issuer.bootstrap import bootstrap_admin
from nansen.chain import devchain

pytestmark = pytest.mark.chain


def test_the_issuer_answers_as_its_openapi_document_says(tmp_path: Path) -> None:
    chain = devchain.start(tmp_path / "chain")
    try:
        _, settings = chain_setup(tmp_path, chain)
        admin = bootstrap_admin(settings, "Admin")
        reports = tmp_path / "reports"
        reports.mkdir()
        with served(create_app(settings)) as base:
            run = run_schemathesis(base, admin, reports)
    finally:
        devchain.stop(tmp_path / "chain")
    assert run.returncode == 0, summary(run)
