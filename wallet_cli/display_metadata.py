"""The issuer's display metadata for a credential, in the holder's language.

OpenID4VCI 1.0 Appendix B.2: a credential configuration's ``credential_metadata.display`` (name,
description, logo with ``alt_text``, one entry per ``locale``) and ``credential_metadata.claims[]``
(``path`` and ``display[] {name, locale}``). Drafts before 1.0 put ``display`` and ``claims`` on the
configuration itself; those are read when ``credential_metadata`` is absent. Nansen's own issuer and
earlier records say ``label``/``lang`` where 1.0 says ``name``/``locale``: both are read.

All of it is the issuer's unverified text. It is kept short and only ever shown inside a line the
wallet words itself (``Name given by the issuer: “…”``), quoted, so it cannot pass for the wallet's
own messages; the terminal neutralises control and bidi characters in every line (wallet_cli.terminal).
Colours and the logo image are not used: a terminal shows neither.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_NAME = 80
MAX_DESCRIPTION = 300
MAX_ENTRIES = 64  # locales per item, claims per configuration: more is not display metadata


@dataclass(frozen=True, slots=True)
class CredentialDisplay:
    name: str | None
    description: str | None
    logo_alt_text: str | None


def stored_display(unverified_metadata: Mapping[str, Any], configuration_id: str) -> dict[str, Any]:
    """What the record keeps of a configuration's display metadata (``display`` and ``claim_labels``):
    only entries of the expected shape, strings cut to length. A courtesy of the issuer, never a
    reason to refuse a credential."""
    supported = unverified_metadata.get("credential_configurations_supported")
    found = supported.get(configuration_id) if isinstance(supported, Mapping) else None
    if not isinstance(found, Mapping):
        return {"display": [], "claim_labels": []}
    inner = found.get("credential_metadata")
    source = inner if isinstance(inner, Mapping) else found  # drafts before 1.0: on the configuration
    display = [_entry(d, ("name", "description")) | _logo(d) for d in _objects(source.get("display"))]
    labels = []
    for claim in _objects(source.get("claims")):
        path = claim.get("path")
        if isinstance(path, list) and path and all(_path_step(step) for step in path):
            entries = [_entry(d, ("name",)) for d in _objects(claim.get("display"))]
            labels.append({"path": path, "display": [e for e in entries if "name" in e]})
    return {"display": [d for d in display if "name" in d], "claim_labels": labels}


def credential_display(record: Mapping[str, Any], language: str) -> CredentialDisplay:
    chosen = pick_locale(_objects(record.get("display")), language)
    if chosen is None:
        return CredentialDisplay(None, None, None)
    logo = chosen.get("logo")
    alt = logo.get("alt_text") if isinstance(logo, Mapping) else None
    return CredentialDisplay(
        _text(chosen.get("name"), MAX_NAME),
        _text(chosen.get("description"), MAX_DESCRIPTION),
        _text(alt, MAX_NAME),
    )


def claim_label(record: Mapping[str, Any], path: Sequence[str | int | None], language: str) -> str:
    """The issuer's label for the claim at ``path`` in ``language`` (see ``pick_locale``), quoted as
    the issuer's words (``“Given name”``), else the path itself (``address.street``): ready to show
    in the consent prompt of ``present`` and in ``show``."""
    wanted = list(path)
    for entry in _objects(record.get("claim_labels")):
        if entry.get("path") == wanted:
            chosen = pick_locale(_objects(entry.get("display")), language)
            name = _text((chosen or {}).get("name", (chosen or {}).get("label")), MAX_NAME)
            if name:
                return quoted(name)
    return ".".join("*" if step is None else str(step) for step in wanted)


def claim_for_consent(record: Mapping[str, Any], path: Sequence[str | int | None], language: str) -> str:
    """A claim as the consent prompt names it: the issuer's label with the claim's own path beside it
    (``“Prénom” (given_name)``), since a label is the issuer's word and could misname what leaves."""
    label = claim_label(record, path, language)
    own = ".".join("*" if step is None else str(step) for step in path)
    return own if label == own else f"{label} ({own})"


def pick_locale(entries: list[dict[str, Any]], language: str) -> dict[str, Any] | None:
    """The entry for ``language``: the exact locale, else one of the same language (``fr-CA`` for
    ``fr``), else English, else one with no locale, else the first."""
    wanted = language.lower()

    def locale(entry: Mapping[str, Any]) -> str:
        value = entry.get("locale", entry.get("lang"))
        return value.lower() if isinstance(value, str) else ""

    prefix = wanted.split("-")[0]
    for rank in range(4):
        for entry in entries:
            tag = locale(entry)
            if (tag == wanted, tag.split("-")[0] == prefix, tag.split("-")[0] == "en", tag == "")[rank]:
                return entry
    return entries[0] if entries else None


def quoted(unverified_text: str) -> str:
    """Issuer text as the wallet shows it: between quotation marks it cannot close itself."""
    return "“" + unverified_text.replace("“", '"').replace("”", '"') + "”"


def _entry(unverified: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name in names:
        value = unverified.get(name, unverified.get("label")) if name == "name" else unverified.get(name)
        text = _text(value, MAX_DESCRIPTION if name == "description" else MAX_NAME)
        if text:
            kept[name] = text
    locale = unverified.get("locale", unverified.get("lang"))
    if isinstance(locale, str) and 0 < len(locale) <= 35:  # a BCP 47 tag is short
        kept["locale"] = locale
    return kept


def _logo(unverified: Mapping[str, Any]) -> dict[str, Any]:
    logo = unverified.get("logo")
    alt = _text(logo.get("alt_text"), MAX_NAME) if isinstance(logo, Mapping) else None
    return {"logo": {"alt_text": alt}} if alt else {}


def _text(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())  # newlines and runs of spaces: one space
    return (text[: limit - 1] + "…" if len(text) > limit else text) or None


def _path_step(step: Any) -> bool:
    return step is None or isinstance(step, str) or (isinstance(step, int) and not isinstance(step, bool))


def _objects(value: Any) -> list[dict[str, Any]]:
    """Only the objects of a list (records of earlier versions kept metadata as it was sent)."""
    if not isinstance(value, list):
        return []
    return [item for item in value[:MAX_ENTRIES] if isinstance(item, dict)]
