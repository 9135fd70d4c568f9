"""The verifier's OpenAPI document declares every answer it gives (tests/openapi_conformance.py)."""

from __future__ import annotations

from pathlib import Path

from openapi_conformance import run_schemathesis, served, summary
from world import make_world

from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings


def test_the_verifier_answers_as_its_openapi_document_says(tmp_path: Path) -> None:
    settings = VerifierSettings(
        public_url="https://verifier.example",
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        _env_file=None,  # type: ignore[call-arg]
    )
    token = OfficerDirectory(settings.officers_file).add("Officer Test")
    reports = tmp_path / "reports"
    reports.mkdir()
    with served(create_app(settings, trust=make_world().trust)) as base:
        run = run_schemathesis(base, token, reports)
    assert run.returncode == 0, summary(run)
