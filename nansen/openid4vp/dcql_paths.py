"""Claims path pointers (OpenID4VP 1.0 section 7) over JSON claims (an SD-JWT VC's processed claims).

A pointer is a non-empty array of strings (object keys), non-negative integers (array indices)
and nulls (every element of the selected arrays). ``select`` follows section 7.1.1 step by step:
a key or index that is absent drops that element from the selection; a key applied to a
non-object, or an index or null applied to a non-array, is an error; an empty selection at the end
is an error. Each selected element comes back with its concrete path (nulls replaced by indices),
which is what the holder discloses and what the verifier keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from nansen.openid4vp.errors import ClaimPathError, DcqlError

ClaimPath = tuple[str | int | None, ...]
ConcretePath = tuple[str | int, ...]
MAX_PATH = 8


def parse_path(unverified: Any, where: str) -> ClaimPath:
    if not isinstance(unverified, list) or not unverified:
        raise DcqlError(f"{where} must be a non-empty array")
    if len(unverified) > MAX_PATH:
        raise DcqlError(f"{where} is longer than {MAX_PATH} components")
    for component in unverified:
        is_index = isinstance(component, int) and not isinstance(component, bool) and component >= 0
        is_key = isinstance(component, str) and 0 < len(component) <= 128
        if not (is_index or is_key or component is None):
            raise DcqlError(f"{where} may hold only strings, non-negative integers and null")
    return tuple(unverified)


def path_text(path: Iterable[str | int | None]) -> str:
    """A path as people read it: ``address.street_address``, ``degrees[*].type``, ``nationalities[1]``."""
    out = ""
    for component in path:
        if component is None:
            out += "[*]"
        elif isinstance(component, int):
            out += f"[{component}]"
        else:
            out += ("." if out else "") + component
    return out


def select(claims: Mapping[str, Any], path: ClaimPath) -> list[tuple[ConcretePath, Any]]:
    """The elements ``path`` selects in ``claims``, each with its concrete path; raises
    ClaimPathError when processing aborts (section 7.1.1), including an empty selection."""
    selection: list[tuple[ConcretePath, Any]] = [((), claims)]
    for component in path:
        nxt: list[tuple[ConcretePath, Any]] = []
        for where, node in selection:
            if isinstance(component, str):
                if not isinstance(node, Mapping):
                    raise ClaimPathError(path, f"{path_text(where) or 'the credential'} is not an object")
                if component in node:
                    nxt.append(((*where, component), node[component]))
            elif not isinstance(node, list):
                raise ClaimPathError(path, f"{path_text(where)} is not an array")
            elif component is None:
                nxt.extend(((*where, i), element) for i, element in enumerate(node))
            elif component < len(node):
                nxt.append(((*where, component), node[component]))
        selection = nxt
    if not selection:
        raise ClaimPathError(path, "the credential has no such claim")
    return selection


def matches(value: Any, values: tuple[str | int | bool, ...]) -> bool:
    """Section 6.3: the type and the value both match exactly (True is not 1, "1" is not 1)."""
    return any(type(value) is type(v) and value == v for v in values)


def project(claims: Mapping[str, Any], paths: Iterable[ConcretePath]) -> dict[str, Any]:
    """Only the claims at ``paths`` (with everything below them), keeping their nesting; array
    elements not selected are left out, so indices close up."""
    kept: list[ConcretePath] = []
    for path in sorted(set(paths), key=len):  # a shorter path already keeps its whole subtree
        if not any(path[: len(k)] == k for k in kept):
            kept.append(path)
    out: dict[Any, Any] = {}
    for path in kept:
        source: Any = claims
        target = out
        for component in path[:-1]:
            source = source[component]
            target = target.setdefault(_key(component), {})
        target[_key(path[-1])] = source[path[-1]]
    return dict(_close_arrays(out))


def _key(component: str | int) -> Any:
    # array elements are gathered as {("#", index): value} and turned into lists at the end
    return ("#", component) if isinstance(component, int) else component


def _close_arrays(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, tuple) for k in node):
        return [_close_arrays(node[k]) for k in sorted(node, key=lambda k: k[1])]
    return {k: _close_arrays(v) for k, v in node.items()}
