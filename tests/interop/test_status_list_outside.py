"""The status list as an outside consumer sees it (@sd-jwt/jwt-status-list, @sd-jwt/sd-jwt-vc): `exp`
is `ttl` after `iat` (draft-ietf-oauth-status-list §5.1, §8.3: a verifier caching to either sees a
revocation within ttl), the list is sent gzip-compressed with an ETag that revalidates to 304 and a
Cache-Control bound (RFC 9110 §8.8.3, §13.1.2; RFC 9111 §5.2), and a revocation by staff reaches an
outside verifier within seconds of reaching the chain."""

from __future__ import annotations

import base64
import json
import time

import httpx
import pytest
from interop_support import IssuerProcess, node

pytestmark = pytest.mark.chain


def test_the_status_list_for_outside_consumers(issuer: IssuerProcess) -> None:
    credential = issuer.receive()["credential"]
    body = credential.split("~")[0].split(".")[1]
    reference = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))["status"]["status_list"]
    url = issuer.base + reference["uri"].removeprefix(issuer.settings.issuer_id)

    listed = node("status_list.mjs", {"url": url, "index": reference["idx"]})
    assert listed["ok"], listed
    assert listed["status"] == 0 and listed["bits"] == 2 and listed["sub"] == reference["uri"]
    assert listed["exp"] - listed["iat"] == listed["ttl"] == 30
    assert listed["content_type"] == "application/statuslist+jwt"
    assert listed["content_encoding"] == "gzip" and listed["etag"].startswith('W/"')
    assert listed["cache_control"] == "public, max-age=2"
    assert listed["revalidated"] == 304

    listing = httpx.get(f"{issuer.base}/credentials", headers=issuer.staff, timeout=10).json()
    revoked = httpx.post(
        f"{issuer.base}/credentials/{listing[0]['id']}/revoke",
        json={"reason": "lost_device"},
        headers=issuer.staff,
        timeout=10,
    )
    assert revoked.status_code == 202
    # anchoring the change takes a block or two; publishing it then at most the 2 s refresh
    deadline = time.monotonic() + 20
    while True:
        seen = node("verify_credential.mjs", {"credential": credential, "issuer_base": issuer.base})
        if seen.get("status") == 1:
            break
        assert seen["ok"] and time.monotonic() < deadline, seen
        time.sleep(0.5)
    assert node("status_list.mjs", {"url": url, "index": reference["idx"]})["status"] == 1
