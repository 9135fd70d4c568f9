"""Offline presentations as QR frames (docs/offline-qr.md), at every batch size the issuer allows.

For batches of 1, 500, 10,000 and 100,000 (a real Merkle tree: the credential's leaf among filler
leaves, so the proof has that batch's depth, 17 at 100,000) and 2, 5 and 10 of 10 claims disclosed
(a person with Arabic-script names): the presentation's bytes, its packed bytes, the frames and
their largest QR version (error correction M), the time to display (pack, split and encode every
frame as a QR code, what the wallet does before the first frame shows) and to decode (read every
frame's PNG with zxing-cpp and reassemble). Reference in the same run, taking turns with them: the
holder signing the presentation (one ES256 signature and its hashes).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import zxingcpp
from PIL import Image

from bench.report import emit
from nansen.credential.issuance import complete_credential, prepare_credential
from nansen.crypto.keys import generate_private_key
from nansen.merkle import build_tree, leaf_hash
from nansen.offline_transport import assemble, encode_frames
from nansen.offline_transport.packing import pack
from nansen.qr import QrCode
from nansen.sdjwt.presentation import create_presentation
from wallet_cli.offline_display import PNG_BOX, PNG_QUIET_ZONE

BENCH = "offline_qr"
BATCHES = (1, 500, 10_000, 100_000)
DISCLOSED = (2, 5, 10)
ROUNDS = 5
PERSON = {
    "given_name": "أمينة",
    "family_name": "حداد",
    "birth_date": "1990-04-01",
    "sex": "female",
    "nationality": "SY",
    "place_of_birth": "حلب",
    "registration_number": "REG-2026-0042",
    "registration_date": "2026-11-20",
    "languages": ["ar", "en"],
    "age_over_18": True,
}


def _issued(batch: int, signer: Any, holder: Any, now: int) -> str:
    prepared = prepare_credential(
        issuer_id="https://issuer.demo-ngo.example",
        vct="https://nansen.example/credentials/refugee-identity",
        claims=PERSON,
        disclosable=[(n,) for n in PERSON],
        holder_key=holder.public_key(),
        issued_at=now,
        expires_at=now + 365 * 86_400,
        status_index=98_765,
    )
    leaves = [leaf_hash(i.to_bytes(8, "big")) for i in range(batch)]
    leaves[batch // 2] = prepared.leaf
    tree = build_tree(leaves)
    return complete_credential(
        prepared,
        chain_id=31337,
        registry="0x5FbDB2315678afecb367f032d93F642f64180aa3",
        root=tree.root,
        proof=tree.proof(batch // 2),
        anchored_at=now,
        signer_key=signer,
        kid=str(signer.public_key().kid()),
    ).compact


def _median_ms(functions: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """Median milliseconds of each function over ROUNDS rounds, the functions taking turns."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(ROUNDS):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    signer, holder, now = generate_private_key(), generate_private_key(), int(time.time())
    for batch in BATCHES:
        issued = _issued(batch, signer, holder, now)
        for disclosed in DISCLOSED:
            names = [(n,) for n in list(PERSON)[:disclosed]]

            def sign(names: list[tuple[str, ...]] = names, issued: str = issued) -> str:
                aud, nonce = "redirect_uri:https://verifier.example/offline", "Xq3nV0c8kQ1sL5mZ2aB7dw"
                return create_presentation(
                    issued=issued, disclose=names, holder_key=holder, aud=aud, nonce=nonce, iat=now
                )

            presentation = sign()
            frames = encode_frames(presentation)
            pngs = [QrCode(f, quiet_zone=PNG_QUIET_ZONE).png(box_size=PNG_BOX) for f in frames]

            def display(presentation: str = presentation) -> list[QrCode]:
                return [QrCode(f, quiet_zone=PNG_QUIET_ZONE) for f in encode_frames(presentation)]

            def decode(pngs: list[bytes] = pngs, presentation: str = presentation) -> None:
                texts = [zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text for png in pngs]
                assert assemble(texts) == presentation

            versions = [code.version for code in display()]
            ms = _median_ms({"display": display, "decode": decode, "sign": sign})
            tags = {"batch": batch, "disclosed": disclosed}
            emit(BENCH, "presentation_bytes", len(presentation.encode()), "B", **tags)
            emit(BENCH, "packed_bytes", len(pack(presentation)), "B", **tags)
            emit(BENCH, "frames", len(frames), "count", **tags)
            emit(BENCH, "qr_version_max", max(versions), "version", error_correction="M", **tags)
            emit(BENCH, "display_ms", ms["display"], "ms", **tags)
            emit(BENCH, "decode_ms", ms["decode"], "ms", **tags)
            emit(BENCH, "reference_sign_ms", ms["sign"], "ms", **tags)
            emit(BENCH, "display_vs_signing", ms["display"] / ms["sign"], "ratio", **tags)
            emit(BENCH, "decode_vs_signing", ms["decode"] / ms["sign"], "ratio", **tags)


if __name__ == "__main__":
    main()
