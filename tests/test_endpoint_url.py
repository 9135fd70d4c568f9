"""The wallet sends personal data only to https, or to plain http on this machine (issue 16 item 3).

The attack URLs passed the former prefix check and would have received disclosed claims, a KB-JWT,
the pre-authorized code and the spoken transaction code in clear."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.endpoint_url import is_secure_endpoint
from nansen.errors import NansenError
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
from nansen.openid4vp.dcql import build_query
from nansen.openid4vp.request import CLIENT_ID_PREFIX, parse_request_uri

ATTACKS = [
    "http://127.0.0.1.evil.example/cb",
    "http://localhost@evil.example",
    "http://localhost@evil.example/cb",
    "http://127.0.0.1@evil.example/cb",
    "http://127.0.0.1:8000@evil.example/cb",
    "http://localhost.evil.example/cb",
    "http://localhost:80@evil.example",
    "HTTP://127.0.0.1.EVIL.EXAMPLE/cb",  # uppercase scheme and host
    "Http://LocalHost@Evil.Example",
    "http://localhost./cb",  # trailing dot: a resolver may ask the network
    "http://127.0.0.1./cb",
    "http://127.1/cb",  # short and decimal forms of 127.0.0.1
    "http://2130706433/cb",
    "http://0x7f000001/cb",
    "http://[::ffff:127.0.0.1]/cb",  # IPv4-mapped: not ::1
    "http://[::1]@evil.example/cb",
    "http://[::1%25eth0]/cb",  # zone id
    "http://[::1/cb",  # unclosed bracket
    "http://127.0.0.1%2eevil.example/cb",  # percent-encoding in the host
    "http://%6c%6fcalhost/cb",
    "http://127.0.0.1\\@evil.example/cb",  # backslashes: WHATWG and urllib disagree
    "http://evil.example\\.127.0.0.1/cb",
    "https://localhost\\@evil.example/cb",
    "http://127.0.0.1:8000\\x@evil.example",
    "http://127.0.0.1 @evil.example/cb",  # space, control character, non-ASCII
    "http://127.0.0.1\t.evil.example/cb",
    "http://127.0.0.1\x00.evil.example/cb",
    "http://127.0.0.1\u3002evil.example/cb",
    "https://user:pass@verifier.example/cb",  # userinfo is refused with https too
    "https://verifier.example@evil.example/cb",
    "http://127.0.0.1:99999/cb",  # port out of range
    "http://127.0.0.1:port/cb",
    "https:///cb",  # no host
    "https://",
    "http://verifier.example/cb",  # plain http to a remote host
    "http://10.0.0.1/cb",
    "ftp://127.0.0.1/cb",
    "javascript:alert(1)//127.0.0.1",
    "file:///etc/passwd",
    "//127.0.0.1/cb",
    "http://[::1]A/cb",  # urllib drops what follows "]"; httpx refuses it
    "http://[::1]:8000:9/cb",
]
ALLOWED = [
    "https://verifier.example/cb",
    "HTTPS://Verifier.Example/cb",
    "https://verifier.example:8443/response?x=1",
    "https://[2001:db8::1]/cb",
    "http://127.0.0.1:8000/cb",
    "http://127.0.0.1/cb",
    "http://127.255.3.4:9/cb",
    "http://localhost:8000/cb",
    "HTTP://LOCALHOST:8000/cb",
    "http://[::1]:8000/cb",
]


@pytest.mark.parametrize("url", ATTACKS)
def test_attack_urls_are_refused(url: str) -> None:
    assert not is_secure_endpoint(url)


@pytest.mark.parametrize("value", ["", None, 7, "https://" + "a" * 3000])
def test_no_url_is_refused(value: object) -> None:
    assert not is_secure_endpoint(value)


@pytest.mark.parametrize("url", ALLOWED)
def test_https_and_loopback_http_are_allowed(url: str) -> None:
    assert is_secure_endpoint(url)


@given(st.sampled_from(["http://127.0.0.1", "http://localhost", "http://[::1]"]), st.text(max_size=40))
def test_what_passes_is_this_machine_for_httpx_too(prefix: str, suffix: str) -> None:
    """A differential check: the URL the wallet allows is sent by httpx to the same loopback host."""
    url = prefix + suffix
    if is_secure_endpoint(url):
        assert httpx.URL(url).host in ("127.0.0.1", "localhost", "::1") or httpx.URL(url).host.startswith(
            "127."
        )


def _request_uri(response_uri: str) -> str:
    query = build_query("person", "https://nansen.example/vct", [("nationality",)])
    return "openid4vp://?" + urlencode(
        {
            "client_id": CLIENT_ID_PREFIX + response_uri,
            "response_type": "vp_token",
            "response_mode": "direct_post",
            "response_uri": response_uri,
            "nonce": "n",
            "state": "s",
            "dcql_query": json.dumps(query.to_json()),
        }
    )


def _offer(issuer: str) -> str:
    return json.dumps(
        {
            "credential_issuer": issuer,
            "credential_configuration_ids": ["refugee"],
            "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": "c", "tx_code": {"length": 6}}},
        }
    )


@pytest.mark.parametrize("url", ATTACKS)
def test_requests_and_offers_naming_an_attack_url_are_refused(url: str) -> None:
    with pytest.raises(NansenError, match="must be an https URL"):
        parse_request_uri(_request_uri(url))
    with pytest.raises(NansenError, match="must be an https URL"):
        parse_offer(_offer(url))


@pytest.mark.parametrize("url", ALLOWED)
def test_requests_and_offers_naming_a_good_url_are_read(url: str) -> None:
    assert parse_request_uri(_request_uri(url)).response_uri == url
    assert parse_offer(_offer(url)).credential_issuer == url
