"""The staff actions the API and the console share (issuer/services): credential filters, staff
deactivation, the offer's progress, and their refusals as problem details."""

from __future__ import annotations

import pytest
from issuer_desk import CLAIMS, Office, wallet_receive

from issuer.services.offers import offer_progress

pytestmark = pytest.mark.chain


def test_credentials_are_filtered_by_offer_state_status_and_date(office: Office) -> None:
    made = [
        office.client.post("/offers", json={"claims": CLAIMS}, headers=office.officer).json()
        for _ in range(2)
    ]
    for offer in made:
        result, _ = wallet_receive(office.client, offer["offer_uri"], offer["tx_code"])
        assert result["status"] == 200, result

    def listing(**query: object) -> list[dict[str, object]]:
        answer = office.client.get("/credentials", params=query, headers=office.officer)
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]

    assert len(listing()) == 2
    first = listing(offer_id=made[0]["id"])
    assert [c["offer_id"] for c in first] == [made[0]["id"]]
    assert len(listing(offer_id=made[0]["id"][:10])) == 1  # the beginning of an id is enough
    assert listing(offer_id="%") == []  # a LIKE wildcard is a character here, not "anything"
    assert len(listing(state="delivered", status="valid")) == 2
    assert listing(status="revoked") == [] and listing(created_before=1) == []
    revoked = office.client.post(
        f"/credentials/{first[0]['id']}/revoke", json={"reason": "fraud"}, headers=office.officer
    )
    assert revoked.status_code == 202
    again = office.client.post(
        f"/credentials/{first[0]['id']}/revoke", json={"reason": "fraud"}, headers=office.officer
    )
    assert again.status_code == 409 and "final" in again.json()["detail"]
    assert office.client.get("/credentials?state=lost", headers=office.officer).status_code == 422
    unknown = office.client.post("/credentials/nope/suspend", json={"reason": "x"}, headers=office.officer)
    assert unknown.status_code == 404


def test_invalid_claims_name_their_fields_never_their_values(office: Office) -> None:
    bad = office.client.post(
        "/offers",
        json={"claims": {**CLAIMS, "birth_date": "01/04/1990", "nationality": "Syria"}},
        headers=office.officer,
    )
    assert bad.status_code == 422
    assert bad.json()["fields"] == ["birth_date", "nationality"]
    assert "01/04/1990" not in bad.text and "Syria" not in bad.text


def test_a_deactivated_member_is_refused_and_the_last_admin_stays(office: Office) -> None:
    members = office.client.post(
        "/staff", json={"name": "Temp", "role": "officer"}, headers=office.admin
    ).json()
    temp = {"Authorization": f"Bearer {members['token']}"}
    assert office.client.get("/credentials", headers=temp).status_code == 200
    done = office.client.post(f"/staff/{members['id']}/deactivate", headers=office.admin)
    assert done.status_code == 200 and done.json() == {"id": members["id"], "active": False}
    assert office.client.get("/credentials", headers=temp).status_code == 401
    assert office.client.post(f"/staff/{members['id']}/deactivate", headers=office.admin).status_code == 409
    assert office.client.post("/staff/9999/deactivate", headers=office.admin).status_code == 404
    assert office.client.post("/staff/1/deactivate", headers=office.admin).status_code == 409  # yourself
    assert office.client.post(f"/staff/{members['id']}/deactivate", headers=office.officer).status_code == 403


def test_offer_progress_follows_the_offer(office: Office) -> None:
    made = office.client.post("/offers", json={"claims": CLAIMS}, headers=office.officer).json()
    state = office.client.app.state.issuer  # type: ignore[attr-defined]
    with state.sessions() as session:
        assert offer_progress(session, offer_id=made["id"], tx_code_attempts=3).progress == "waiting"
    result, _ = wallet_receive(office.client, made["offer_uri"], made["tx_code"])
    assert result["status"] == 200
    with state.sessions() as session:
        progress = offer_progress(session, offer_id=made["id"], tx_code_attempts=3)
    assert progress.progress == "delivered" and progress.final and progress.credential_id
