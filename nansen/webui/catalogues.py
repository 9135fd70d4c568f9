"""gettext catalogues without GNU gettext: ``.po`` files compiled to ``.mo`` (what msgfmt does),
and a language's translations with the shared layout's catalogue as fallback.

Compile after editing a ``.po`` file (a test checks every ``.mo`` matches its ``.po``)::

    python -m nansen.webui.catalogues issuer/web/locale nansen_issuer_web
"""

from __future__ import annotations

import ast
import gettext
import struct
import sys
from functools import lru_cache
from pathlib import Path

LAYOUT_LOCALE_DIR = Path(__file__).with_name("locale")
LAYOUT_DOMAIN = "nansen_webui"


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr of a .po file (the header entry under ""; plural forms are not used)."""
    messages: dict[str, str] = {}
    msgid: list[str] = []
    msgstr: list[str] = []
    target: list[str] | None = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("msgid "):
            if target is msgstr:
                messages["".join(msgid)] = "".join(msgstr)
            msgid, msgstr = [ast.literal_eval(line[6:])], []
            target = msgid
        elif line.startswith("msgstr "):
            msgstr = [ast.literal_eval(line[7:])]
            target = msgstr
        elif line.startswith('"') and target is not None:
            target.append(ast.literal_eval(line))
    if target is msgstr:
        messages["".join(msgid)] = "".join(msgstr)
    return messages


def to_mo(messages: dict[str, str]) -> bytes:
    """The GNU .mo binary form (little-endian, no hash table)."""
    keys = sorted(messages)
    ids = [k.encode() for k in keys]
    strs = [messages[k].encode() for k in keys]
    count = len(keys)
    ids_start = 28 + 16 * count
    strs_start = ids_start + sum(len(i) + 1 for i in ids)
    table_ids, table_strs = [], []
    offset = ids_start
    for item in ids:
        table_ids.append(struct.pack("<2I", len(item), offset))
        offset += len(item) + 1
    offset = strs_start
    for item in strs:
        table_strs.append(struct.pack("<2I", len(item), offset))
        offset += len(item) + 1
    header = struct.pack("<7I", 0x950412DE, 0, count, 28, 28 + 8 * count, 0, 0)
    return b"".join([header, *table_ids, *table_strs, *(i + b"\0" for i in ids), *(s + b"\0" for s in strs)])


def compile_dir(locale_dir: Path, domain: str) -> list[Path]:
    """Writes ``<lang>/LC_MESSAGES/<domain>.mo`` beside each ``.po``; returns the files written."""
    written = []
    for po in sorted(locale_dir.glob(f"*/LC_MESSAGES/{domain}.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(to_mo(parse_po(po.read_text(encoding="utf-8"))))
        written.append(mo)
    return written


def stale(locale_dir: Path, domain: str) -> list[Path]:
    """The .po files whose .mo is missing or differs from what compiling them gives."""
    return [
        po
        for po in sorted(locale_dir.glob(f"*/LC_MESSAGES/{domain}.po"))
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").read_bytes() != to_mo(parse_po(po.read_text(encoding="utf-8")))
    ]


def python_msgids(package: Path) -> set[str]:
    """The literal strings passed to ``_()``, ``something._()`` or ``gettext_noop()`` in a package."""
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and (
                    (isinstance(node.func, ast.Name) and node.func.id in ("_", "gettext_noop"))
                    or (isinstance(node.func, ast.Attribute) and node.func.attr == "_")
                )
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def untranslated(
    locale_dir: Path, domain: str, msgids: set[str], languages: tuple[str, ...]
) -> dict[str, list[str]]:
    """Per language, the msgids its catalogue lacks or leaves empty (English needs no catalogue)."""
    missing: dict[str, list[str]] = {}
    for language in languages:
        if language == "en":
            continue
        po = locale_dir / language / "LC_MESSAGES" / f"{domain}.po"
        known = parse_po(po.read_text(encoding="utf-8")) if po.exists() else {}
        lacking = sorted(m for m in msgids if not known.get(m))
        if lacking:
            missing[language] = lacking
    return missing


@lru_cache(maxsize=64)
def translations(locale_dir: Path, domain: str, language: str) -> gettext.NullTranslations:
    """A console's messages in ``language``, falling back to the shared layout's, then to English
    (the msgids themselves). Loaded once per process."""
    own = gettext.translation(domain, locale_dir, languages=[language], fallback=True)
    own.add_fallback(
        gettext.translation(LAYOUT_DOMAIN, LAYOUT_LOCALE_DIR, languages=[language], fallback=True)
    )
    return own


if __name__ == "__main__":  # python -m nansen.webui.catalogues LOCALE_DIR DOMAIN
    directory, name = (
        (Path(sys.argv[1]), sys.argv[2]) if len(sys.argv) == 3 else (LAYOUT_LOCALE_DIR, LAYOUT_DOMAIN)
    )
    for path in compile_dir(directory, name):
        print(f"wrote {path}")
