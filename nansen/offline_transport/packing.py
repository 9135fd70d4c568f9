"""A presentation as compact bytes and back, losslessly: its base64url segments decoded to the
bytes they carry, then raw DEFLATE with a preset dictionary of SD-JWT VC's usual JSON.

Token stream (LEB128 unsigned varints)::

    stream  = varint(part count)    part*       parts are the text between "~"
    part    = varint(segment count) segment*    segments are the text between "."
    segment = varint(2 * length + kind) byte*length
              kind 1: the segment is canonical unpadded base64url; the bytes are what it decodes to
              kind 0: the bytes are the segment's UTF-8 text

Any text survives the round trip (a segment that is not canonical base64url travels as text); an
SD-JWT's JSON and hashes travel as themselves instead of as base64url, which saves a quarter of
the bytes before compression and lets DEFLATE see the JSON.
"""

from __future__ import annotations

import zlib

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.errors import NansenError
from nansen.offline_transport.errors import DamagedPresentationError, PresentationTooLargeError

MAX_PRESENTATION_BYTES = 65_536
_MAX_STREAM_BYTES = 4 * MAX_PRESENTATION_BYTES  # an empty segment costs a header byte, not a character
_MAX_VARINT_BYTES = 4

# Strings that SD-JWT VC presentations repeat, ASCII, most frequent last (DEFLATE reaches the end of
# the dictionary with the shortest distances). Part of the format: changing it is a new version.
DICTIONARY = (
    b'"given_name""family_name""birth_date""nationality""age_over_18""place_of_birth""sex"'
    b'"registration_number""registration_date""languages""address""country""locality"'
    b'{"alg":"ES256","typ":"kb+jwt"}{"iat":,"aud":"x509_san_dns:","nonce":"","sd_hash":"'
    b'{"alg":"ES256","typ":"dc+sd-jwt","kid":"{"iss":"https://,"iat":,"nbf":,"exp":'
    b',"vct":"https://credentials/","status":{"status_list":{"idx":,"uri":"https:///status-list"}},'
    b'"cnf":{"jwk":{"kty":"EC","crv":"P-256","x":"","y":""}},"_sd":["","'
    b'"],"_sd_alg":"sha-256","anchor":{"chain_id":,"registry":"0x","root":"",'
    b'"proof":{"index":,"count":,"path":["","'
)


def pack(presentation: str) -> bytes:
    """The compact bytes of ``presentation``; raises ``PresentationTooLargeError`` if it is too big."""
    try:
        encoded = presentation.encode("utf-8")
    except UnicodeEncodeError:
        raise PresentationTooLargeError(
            "presentation holds text with no UTF-8 form",
            user_message="This presentation cannot be sent as frames: it holds text with no UTF-8 form.",
        ) from None
    if len(encoded) > MAX_PRESENTATION_BYTES:
        raise PresentationTooLargeError(
            f"presentation of {len(encoded)} bytes; frames carry at most {MAX_PRESENTATION_BYTES}",
            user_message="This presentation is too large to send as frames.",
        )
    stream = bytearray()
    parts = presentation.split("~")
    stream += _varint(len(parts))
    for part in parts:
        segments = part.split(".")
        stream += _varint(len(segments))
        for segment in segments:
            data, kind = _segment_bytes(segment)
            stream += _varint(2 * len(data) + kind)
            stream += data
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict=DICTIONARY)
    return compressor.compress(bytes(stream)) + compressor.flush()


def unpack(blob: bytes) -> str:
    """The presentation ``blob`` was packed from; raises ``DamagedPresentationError`` otherwise."""
    stream = _inflate(blob)
    reader = _Reader(stream)
    parts = []
    for _ in range(reader.varint()):
        segments = []
        for _ in range(reader.varint()):
            header = reader.varint()
            data = reader.take(header >> 1)
            segments.append(_segment_text(data, binary=bool(header & 1)))
        parts.append(".".join(segments))
    if not reader.at_end():
        raise _damaged("bytes left over after the last segment")
    presentation = "~".join(parts)
    if len(presentation) > MAX_PRESENTATION_BYTES:
        raise _damaged("presentation longer than the format allows")
    return presentation


def _segment_bytes(segment: str) -> tuple[bytes, int]:
    if segment:
        try:
            return b64url_decode(segment), 1
        except NansenError:
            pass
    return segment.encode("utf-8"), 0


def _segment_text(data: bytes, *, binary: bool) -> str:
    if binary:
        return b64url_encode(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _damaged("a text segment is not UTF-8") from None


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _inflate(blob: bytes) -> bytes:
    inflater = zlib.decompressobj(-15, zdict=DICTIONARY)
    try:
        stream = inflater.decompress(blob, _MAX_STREAM_BYTES)
    except zlib.error:
        raise _damaged("the DEFLATE data is damaged") from None
    if inflater.unconsumed_tail:
        raise _damaged("the packed presentation is larger than the format allows")
    if not inflater.eof or inflater.unused_data:
        raise _damaged("the DEFLATE data is cut short or followed by other bytes")
    return stream


class _Reader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def varint(self) -> int:
        value = 0
        for shift in range(0, 7 * _MAX_VARINT_BYTES, 7):
            byte = self.take(1)[0]
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
        raise _damaged("a length is longer than the format allows")

    def take(self, count: int) -> bytes:
        if self._at + count > len(self._data):
            raise _damaged("the token stream is cut short")
        chunk = self._data[self._at : self._at + count]
        self._at += count
        return chunk

    def at_end(self) -> bool:
        return self._at == len(self._data)


def _damaged(detail: str) -> DamagedPresentationError:
    return DamagedPresentationError(
        f"offline frames decode to no presentation: {detail}",
        user_message="The frames were all read but do not make a presentation. Ask the holder to show "
        "the code again from the start.",
    )
