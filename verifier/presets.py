"""Check presets an admin defines ("Entry: nationality and over 18"): which credential type and
which claims an officer asks for, and the purpose the holder is shown. Kept in presets.json beside
officers.json, written the same way (verifier.json_file)."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nansen.errors import ConfigurationError, NansenError
from nansen.openid4vp.dcql import build_query
from verifier.json_file import exclusive, replace
from verifier.web.i18n import N_

_CLAIM = re.compile(r"[A-Za-z0-9_]{1,64}(\.[A-Za-z0-9_]{1,64}){0,3}")
MAX_CLAIMS = 16


class PresetError(NansenError):
    """A preset an admin typed that cannot be used; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"preset {field}: {message}", user_message=message)
        self.field = field


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    credential_type: str
    claims: tuple[tuple[str, ...], ...]
    purpose: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "credential_type": self.credential_type,
            "claims": [list(p) for p in self.claims],
            "purpose": self.purpose,
        }


def new_preset(*, name: str, credential_type: str, claims_text: str, purpose: str) -> Preset:
    """A preset from form text (claims separated by commas or new lines, nested ones with dots).
    Raises PresetError naming the field; messages are English source strings for gettext."""
    name, credential_type, purpose = name.strip(), credential_type.strip(), purpose.strip()
    if not 1 <= len(name) <= 80:
        raise PresetError("name", N_("Give the preset a name of 1 to 80 characters."))
    if not credential_type.startswith("https://") or len(credential_type) > 512 or " " in credential_type:
        raise PresetError("credential_type", N_("The credential type is an https address (its vct)."))
    names = [part.strip() for part in re.split(r"[,\n]", claims_text) if part.strip()]
    if not names:
        raise PresetError("claims", N_("Name at least one claim to ask for."))
    if len(names) > MAX_CLAIMS or not all(_CLAIM.fullmatch(n) for n in names):
        raise PresetError(
            "claims", N_("Claims are names of letters, digits and _ (nested ones with dots), at most 16.")
        )
    if len(purpose) > 300:
        raise PresetError("purpose", N_("The purpose is at most 300 characters."))
    paths = tuple(dict.fromkeys(tuple(n.split(".")) for n in names))
    build_query("credential", credential_type, paths)  # expressible in DCQL, else DcqlError
    return Preset(secrets.token_hex(6), name, credential_type, paths, purpose)


def _parse(path: Path, raw: bytes) -> list[Preset]:
    try:
        return [
            Preset(
                str(e["id"]),
                str(e["name"]),
                str(e["credential_type"]),
                tuple(tuple(str(k) for k in p) for p in e["claims"]),
                str(e.get("purpose", "")),
            )
            for e in json.loads(raw)
        ]
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigurationError(
            f"presets file {path} is malformed: {type(exc).__name__}",
            user_message=f"The presets file {path} is damaged. Restore it or define the presets again.",
        ) from exc


class PresetBook:
    """The presets in one file; read on every use (a handful of entries, changed from any worker)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self.all()  # a damaged file stops start-up, like a damaged officers file

    def all(self) -> list[Preset]:
        try:
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return []
        return _parse(self._path, raw)

    def get(self, preset_id: str) -> Preset | None:
        return next((p for p in self.all() if p.id == preset_id), None)

    def add(self, preset: Preset) -> None:
        self._write(lambda presets: [*presets, preset])

    def remove(self, preset_id: str) -> Preset | None:
        gone = self.get(preset_id)
        if gone is not None:
            self._write(lambda presets: [p for p in presets if p.id != preset_id])
        return gone

    def _write(self, change: Any) -> None:
        with exclusive(self._path):
            presets = change(self.all())
            replace(self._path, json.dumps([p.to_json() for p in presets], indent=2) + "\n")
