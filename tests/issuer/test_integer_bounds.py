"""Every integer a staff client sends is bounded in the schema: out of range is a readable 422,
never a 500 (SQLite fails on integers beyond 64 bits) and never "no limit" (SQLite's reading of a
negative LIMIT)."""

from __future__ import annotations

import pytest
from issuer_desk import CLAIMS, Office

pytestmark = pytest.mark.chain

OUT_OF_RANGE = ["-1", "0", str(2**63), str(2**70), "1e3", "abc"]


@pytest.mark.parametrize("path", ["/credentials?limit={}", "/credentials?offset={}", "/audit?limit={}"])
def test_out_of_range_integers_are_refused_readably(office: Office, path: str) -> None:
    for value in OUT_OF_RANGE:
        if value == "0" and "offset" in path:
            continue  # offset 0 is the first page
        response = office.client.get(path.format(value), headers=office.admin)
        assert response.status_code == 422, (value, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        name = "offset" if "offset" in path else "limit"
        assert problem["fields"] == [f"query.{name}"] and name in problem["detail"]


def test_limit_bounds_the_rows(office: Office) -> None:
    for _ in range(2):
        assert (
            office.client.post("/offers", json={"claims": CLAIMS}, headers=office.officer).status_code == 201
        )
    audit = office.client.get("/audit?limit=1", headers=office.admin)
    assert audit.status_code == 200 and len(audit.json()) == 1
    assert office.client.get("/credentials?limit=1000&offset=1000000000", headers=office.admin).json() == []
