"""Where the wallet may send personal data: an https URL, or plain http to this machine only.

A prefix check (``startswith("http://127.0.0.1")``) also accepts ``http://127.0.0.1.evil.example``
and ``http://localhost@evil.example``, which send disclosed claims, a KB-JWT, a pre-authorized code
or a spoken transaction code in clear to a remote host. So the URL is parsed, and it is refused
unless every reader of it (urllib here, httpx or a browser later) must agree on the host:

* only the characters RFC 3986 allows (no spaces, controls, backslashes or non-ASCII, on which
  parsers disagree: WHATWG reads ``\\`` as ``/``, urllib keeps it in the host);
* an authority that is only a host and a port: no userinfo at all (``user@host`` is how a URL
  shows one host and names another);
* plain ``http`` only for a loopback host: ``localhost``, an IPv4 address in 127.0.0.0/8 or ``::1``,
  written exactly (no trailing dot, no percent-encoding, no short or decimal forms of 127.0.0.1),
  so a name that a resolver might send elsewhere is never taken for this machine.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

# unreserved, reserved and "%" (RFC 3986 section 2); anything else is refused, not repaired
_URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
# the authority as a whole: a DNS name or IPv4 address, or a bracketed IPv6 address, then an optional
# port; so no userinfo, no percent-encoding and nothing after "]" that urllib would silently drop
_AUTHORITY = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
MAX_URL_LENGTH = 2048


def is_loopback_host(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ``::1``, written exactly (``host`` as urllib gives it)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_secure_endpoint(unverified_url: object) -> bool:
    """Whether the wallet may send personal data to this URL (see the module docstring)."""
    if not isinstance(unverified_url, str) or len(unverified_url) > MAX_URL_LENGTH:
        return False
    if not _URI_CHARACTERS.fullmatch(unverified_url):
        return False
    try:
        parts = urlsplit(unverified_url)
        parts.port  # noqa: B018  (raises on a port that is not a number in range)
    except ValueError:  # e.g. an unclosed "[" or a port out of range
        return False
    host = parts.hostname or ""
    if not host or not _AUTHORITY.fullmatch(parts.netloc):
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and is_loopback_host(host)
