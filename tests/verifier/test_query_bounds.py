"""The verifier's numeric parameters are bounded too: out of range is a readable 422, never a 500."""

from __future__ import annotations

from desk import Desk


def test_result_wait_out_of_range_is_refused(desk: Desk) -> None:
    for value in ["-1", str(2**70), "1e400", "nan", "inf"]:
        response = desk.client.get(f"/requests/some-id/result?wait={value}", headers=desk.headers)
        assert response.status_code == 422, (value, response.text)
        assert "wait" in response.text
