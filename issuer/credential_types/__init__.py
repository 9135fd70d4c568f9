"""Configurable credential types: a JSON Schema for the claims and SD-JWT VC type metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from nansen.errors import ConfigurationError

BUILT_IN = Path(__file__).parent


@dataclass(frozen=True)
class CredentialType:
    id: str
    vct: str
    display: list[dict[str, str]]
    claim_labels: dict[str, dict[str, str]]
    schema: dict[str, Any]
    validator: Draft202012Validator

    def validation_errors(self, claims: Any) -> list[str]:
        """Field paths that fail the schema (names only: values may be personal data)."""
        return sorted(self.field_errors(claims))

    def field_errors(self, claims: Any) -> dict[str, str]:
        """Each failing field (top-level claim name, ``unexpected field`` or ``claims``) and the JSON
        Schema keyword it broke (``required``, ``pattern``, ``enum``…); never the value."""
        fields: dict[str, str] = {}
        for error in self.validator.iter_errors(claims):
            path = str(error.absolute_path[0]) if error.absolute_path else ""
            if not path and error.validator == "required":
                path = str(error.message.split("'")[1]) if "'" in error.message else "claims"
            elif not path and error.validator == "additionalProperties":
                path = "unexpected field"
            fields.setdefault(path or "claims", str(error.validator))
        return fields

    def type_metadata(self) -> dict[str, Any]:
        """SD-JWT VC type metadata: display names in several languages, per-claim labels."""
        return {
            "vct": self.vct,
            "display": [{"lang": d["locale"], "name": d["name"]} for d in self.display],
            "claims": [
                {
                    "path": [name],
                    "display": [{"lang": lang, "label": label} for lang, label in labels.items()],
                    "sd": "always",
                }
                for name, labels in self.claim_labels.items()
            ],
        }

    def disclosable_present(self, claims: dict[str, Any]) -> list[tuple[str]]:
        # every personal claim is selectively disclosable; nothing personal is always disclosed
        return [(name,) for name in self.schema["properties"] if name in claims]


def load_types(directory: Path = BUILT_IN) -> dict[str, CredentialType]:
    types = {}
    for path in sorted(directory.glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            Draft202012Validator.check_schema(raw["schema"])
            kind = CredentialType(
                raw["id"],
                raw["vct"],
                raw["display"],
                raw["claims"],
                raw["schema"],
                Draft202012Validator(raw["schema"]),
            )
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigurationError(f"credential type file {path} is invalid: {exc}") from exc
        types[kind.id] = kind
    return types
