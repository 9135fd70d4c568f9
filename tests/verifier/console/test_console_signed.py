"""The officer console of a verifier that signs its requests: nothing new for the officer to do; the
page's link is by reference, says whom the wallet sees as signer, and an encrypted answer shows."""

from __future__ import annotations

from pathlib import Path

from console_desk import Console, text_of
from desk import Desk
from fastapi.testclient import TestClient
from signed_wallet import (
    encrypted,
    link_parameters,
    request_path,
    signed_settings,
    verified_request_object,
    vp_token_parameters,
)
from test_console_pages import request_uri, start_online
from world import make_world

from verifier.app import create_app
from verifier.officers import OfficerDirectory


def test_the_console_shows_a_signed_request_and_its_encrypted_answer(tmp_path: Path) -> None:
    settings, certificates = signed_settings(tmp_path)
    token = OfficerDirectory(settings.officers_file).add("Admin Adaeze", "admin")
    world = make_world()
    with TestClient(create_app(settings, trust=world.trust), base_url="https://verifier.example") as client:
        console = Console(client, world, settings, token)
        console.sign_in()
        request_id = start_online(console)
        page = client.get(f"/console/online/{request_id}")
        assert "Signed as Border Agency verifier" in text_of(page)
        link = request_uri(console, request_id)
        assert set(link_parameters(link)) == {"client_id", "request_uri", "request_uri_method"}
        request = verified_request_object(
            client.get(request_path(link)).text, certificates.anchor_pem
        ).payload
        desk = Desk(client, world, {}, settings)
        answered = client.post(
            f"/wallet/responses/{request_id}",
            data={"response": encrypted(request, vp_token_parameters(desk, request))},
        )
        assert answered.status_code == 200 and answered.json()["verdict"] == "valid"
        shown = console.post(f"/console/online/{request_id}/result")
        text = text_of(shown)
        assert shown.status_code == 200 and "VALID" in text and "Nationality SY" in text
