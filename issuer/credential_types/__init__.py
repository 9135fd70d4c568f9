"""Configurable credential types: a JSON Schema for the claims and SD-JWT VC type metadata."""

from __future__ import annotations

import base64
import hashlib
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
        """SD-JWT VC type metadata (draft-ietf-oauth-sd-jwt-vc, "Type Metadata"): display names and
        per-claim labels in several languages, keyed by ``locale`` as the current text has it (it
        replaced ``lang``)."""
        return {
            "vct": self.vct,
            "display": [{"locale": d["locale"], "name": d["name"]} for d in self.display],
            "claims": [
                {
                    "path": [name],
                    "display": [{"locale": lang, "label": label} for lang, label in labels.items()],
                    "sd": "always",
                }
                for name, labels in self.claim_labels.items()
            ],
        }

    def issuer_metadata_claims(self) -> list[dict[str, Any]]:
        """The claims description of the Credential Issuer Metadata (OpenID4VCI 1.0 Appendix B.2):
        display entries are ``{name, locale}`` there."""
        return [
            {
                "path": [name],
                "mandatory": name in self.schema.get("required", []),
                "display": [{"name": label, "locale": lang} for lang, label in labels.items()],
            }
            for name, labels in self.claim_labels.items()
        ]

    @property
    def type_metadata_bytes(self) -> bytes:
        """Exactly the bytes served as the type metadata: what ``vct#integrity`` covers."""
        return json.dumps(self.type_metadata(), ensure_ascii=False, separators=(",", ":")).encode()

    @property
    def vct_integrity(self) -> str:
        """W3C Subresource Integrity metadata of the type metadata (SD-JWT VC, "Document Integrity")."""
        return "sha256-" + base64.b64encode(hashlib.sha256(self.type_metadata_bytes).digest()).decode()

    def disclosable_present(self, claims: dict[str, Any]) -> list[tuple[str]]:
        # every personal claim is selectively disclosable; nothing personal is always disclosed
        return [(name,) for name in self.schema["properties"] if name in claims]


def vct_for(vct_base: str, type_id: str) -> str:
    return f"{vct_base.rstrip('/')}/{type_id}"


def load_types(directory: Path = BUILT_IN, *, vct_base: str | None = None) -> dict[str, CredentialType]:
    """The credential types in ``directory``; with ``vct_base``, each type's ``vct`` is
    ``<vct_base>/<id>`` (a URL the deployer controls, where the type metadata is served)."""
    types = {}
    for path in sorted(directory.glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            Draft202012Validator.check_schema(raw["schema"])
            kind = CredentialType(
                raw["id"],
                vct_for(vct_base, raw["id"]) if vct_base else raw["vct"],
                raw["display"],
                raw["claims"],
                raw["schema"],
                Draft202012Validator(raw["schema"]),
            )
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigurationError(f"credential type file {path} is invalid: {exc}") from exc
        types[kind.id] = kind
    return types
