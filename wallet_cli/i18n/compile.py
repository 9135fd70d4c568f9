"""Compiles the .po catalogs into .mo files (what msgfmt does), so no gettext tools are needed.

Run: python -m wallet_cli.i18n.compile   (a test checks the .mo files match the .po files)
"""

from __future__ import annotations

import ast
import struct
from pathlib import Path

from wallet_cli.i18n import DOMAIN, LOCALE_DIR


def parse_po(text: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    key: str | None = None
    current: list[str] = []
    target = ""

    def flush() -> None:
        if key is not None:
            messages[key] = "".join(current)

    msgid_parts: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("msgid "):
            flush()
            key, current, target = None, [], "id"
            msgid_parts = [ast.literal_eval(line[6:])]
        elif line.startswith("msgstr "):
            key, target = "".join(msgid_parts), "str"
            current = [ast.literal_eval(line[7:])]
        elif line.startswith('"'):
            (msgid_parts if target == "id" else current).append(ast.literal_eval(line))
    flush()
    return messages


def to_mo(messages: dict[str, str]) -> bytes:
    keys = sorted(messages)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(messages[k].encode() + b"\0" for k in keys)
    count = len(keys)
    id_table_offset = 28
    str_table_offset = id_table_offset + 8 * count
    ids_offset = str_table_offset + 8 * count
    strs_offset = ids_offset + len(ids)
    id_entries, str_entries = [], []
    offset = 0
    for k in keys:
        encoded = k.encode()
        id_entries.append((len(encoded), ids_offset + offset))
        offset += len(encoded) + 1
    offset = 0
    for k in keys:
        encoded = messages[k].encode()
        str_entries.append((len(encoded), strs_offset + offset))
        offset += len(encoded) + 1
    header = struct.pack("<7I", 0x950412DE, 0, count, id_table_offset, str_table_offset, 0, 0)
    tables = b"".join(struct.pack("<2I", *e) for e in id_entries) + b"".join(
        struct.pack("<2I", *e) for e in str_entries
    )
    return header + tables + ids + strs


def compile_all() -> list[Path]:
    written = []
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(to_mo(parse_po(po.read_text(encoding="utf-8"))))
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"wrote {path}")
