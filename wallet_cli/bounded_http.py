"""The wallet's HTTP client for issuers and verifiers: servers the holder does not control, whose
answers are read only up to a size. A credential response, metadata or a request object is some
kilobytes; a server that sends megabytes (or an endless body) would fill a shared phone's memory.

Answers are asked for uncompressed (``Accept-Encoding: identity``) and a compressed one is refused,
so the bytes counted on the wire are the bytes parsed: a 1 MB gzip body can inflate to a gigabyte.
A declared ``Content-Length`` over the limit is refused before the body is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _

MAX_ANSWER_BYTES = 2 * 1024 * 1024  # a batch of 10 SD-JWT VCs, encrypted, is under 100 KB


def _too_large() -> WalletError:
    return WalletError(
        _("The server sent an answer larger than the wallet accepts ({limit} MB). Nothing was saved.").format(
            limit=MAX_ANSWER_BYTES // (1024 * 1024)
        ),
        ExitCode.ERROR,
    )


class _BoundedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, limit: int) -> None:
        self._inner, self._limit = inner, limit

    def __iter__(self) -> Iterator[bytes]:
        received = 0
        for chunk in self._inner:
            received += len(chunk)
            if received > self._limit:
                raise _too_large()
            yield chunk

    def close(self) -> None:
        self._inner.close()


class BoundedTransport(httpx.BaseTransport):
    def __init__(self, limit: int = MAX_ANSWER_BYTES, inner: httpx.BaseTransport | None = None) -> None:
        self._limit = limit
        self._inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        declared = response.headers.get("content-length", "0").strip()
        if encoding not in ("identity", ""):
            response.close()
            raise WalletError(
                _("The server sent a compressed answer the wallet did not ask for. Nothing was saved."),
                ExitCode.ERROR,
            )
        if declared.isdigit() and int(declared) > self._limit:
            response.close()
            raise _too_large()
        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_BoundedStream(response.stream, self._limit),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self._inner.close()


def bounded_client(**options: Any) -> httpx.Client:
    """An ``httpx.Client`` (same options) whose answers are bounded as the module says."""
    headers = {"Accept-Encoding": "identity", **options.pop("headers", {})}
    return httpx.Client(transport=BoundedTransport(), headers=headers, **options)
