"""The registration form, generated from a credential type's JSON Schema and display metadata.

Each schema property becomes a field: its label from the type's claim labels in the console's
language, a date input for ``format: date``, a country list for ``format: iso3166-1-alpha-2``, a
list for ``enum``, yes/no for booleans, a comma-separated text for arrays; ``description`` is the
hint (its msgid in the catalogues). What comes back is turned into claims and checked by the
same schema validation as ``POST /offers`` (issuer/services/offers.py); errors name the field and
the rule, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from issuer.credential_types import CredentialType
from nansen.webui.formatting import countries

Gettext = Callable[[str], str]
Kind = Literal["text", "date", "country", "choice", "boolean", "list"]
# ICAO Doc 9303 codes the schema accepts beside ISO 3166 (their names are in the catalogues)
TRAVEL_DOCUMENT_CODES = ("XXA", "XXB", "XXC")


def gettext_noop(message: str) -> str:
    """Marks a msgid for the catalogue check without translating it here."""
    return message


TRAVEL_DOCUMENT_NAMES = {
    "XXA": gettext_noop("Stateless person (XXA)"),
    "XXB": gettext_noop("Refugee, 1951 Convention (XXB)"),
    "XXC": gettext_noop("Refugee, other (XXC)"),
}
CHOICE_NAMES = {
    "female": gettext_noop("Female"),
    "male": gettext_noop("Male"),
    "other": gettext_noop("Other"),
    "unknown": gettext_noop("Unknown"),
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind
    required: bool
    hint: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    max_length: int | None = None


def form_fields(kind: CredentialType, language: str, _: Gettext) -> list[Field]:
    required = set(kind.schema.get("required", ()))
    fields = []
    for name, spec in kind.schema["properties"].items():
        labels = kind.claim_labels.get(name, {})
        label = labels.get(language) or labels.get("en") or name
        field_kind = _kind_of(spec)
        hint = spec.get("description", "")
        options: list[tuple[str, str]] = []
        if field_kind == "country":
            options = [
                *countries(language),
                *((c, _(TRAVEL_DOCUMENT_NAMES[c])) for c in TRAVEL_DOCUMENT_CODES),
            ]
            hint = ""  # the list says it all
        elif field_kind == "choice":
            options = [(str(v), _(CHOICE_NAMES.get(str(v), str(v)))) for v in spec["enum"]]
        elif field_kind == "boolean":
            options = [("yes", _("Yes")), ("no", _("No"))]
        fields.append(
            Field(
                name,
                label,
                field_kind,
                name in required,
                _(hint) if hint else "",
                options,
                spec.get("maxLength"),
            )
        )
    return fields


def _kind_of(spec: Mapping[str, Any]) -> Kind:
    if spec.get("type") == "boolean":
        return "boolean"
    if spec.get("type") == "array":
        return "list"
    if spec.get("format") == "date":
        return "date"
    if spec.get("format") == "iso3166-1-alpha-2":
        return "country"
    if "enum" in spec:
        return "choice"
    return "text"


def claims_from_form(kind: CredentialType, form: Mapping[str, str]) -> dict[str, Any]:
    """The claims the form describes: empty fields left out, yes/no as booleans, lists split. A value
    that does not convert is kept as typed, so the schema check refuses it beside its field."""
    claims: dict[str, Any] = {}
    for name, spec in kind.schema["properties"].items():
        raw = form.get(name, "")
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            continue
        if spec.get("type") == "boolean":
            claims[name] = {"yes": True, "no": False}.get(value, value)
        elif spec.get("type") == "array":
            claims[name] = [item for item in re.split(r"[\s,;،]+", value) if item]
        else:
            claims[name] = value
    return claims


def error_messages(kind: CredentialType, fields: Mapping[str, str], _: Gettext) -> dict[str, str]:
    """A message a person can act on for each failing field (the rule broken, never the value)."""
    messages = {}
    for name, rule in fields.items():
        spec = kind.schema["properties"].get(name, {})
        field_kind = _kind_of(spec)
        if rule in ("required", "minLength"):
            message = (
                _("Choose one.") if field_kind in ("country", "choice", "boolean") else _("Enter a value.")
            )
        elif field_kind == "date":
            message = _("Enter a date as year-month-day, for example 1990-04-01.")
        elif field_kind == "country":
            message = _("Choose a country from the list.")
        elif field_kind in ("choice", "boolean"):
            message = _("Choose one of the options.")
        elif rule == "maxLength":
            message = _("This is too long: at most %(count)s characters.") % {"count": spec.get("maxLength")}
        elif rule == "maxItems":
            message = _("Too many entries: at most %(count)s.") % {"count": spec.get("maxItems")}
        else:
            message = _("This is not in the expected format.")
        messages[name] = message
    return messages
