"""Role requirements: ``role="admin"``, any of ``["a", "b"]``, all of ``[["a", "b"]]``.

A requirement is normalised to a list of alternatives, each a set of roles that must all be
held: ``"admin"`` → ``[{admin}]``; ``["editor", "admin"]`` → ``[{editor}, {admin}]`` (either
one); ``[["admin", "ops"]]`` → ``[{admin, ops}]`` (both); ``["admin", ["editor", "ops"]]``
→ admin, or editor and ops together. An empty requirement is met by any user.

The same shape describes the route in OpenAPI: one security requirement per alternative.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeAlias

__all__ = [
    "RoleRequirement",
    "RoleSpec",
    "add_security",
    "call_hook",
    "normalize_roles",
    "roles_of",
    "roles_satisfied",
]

#: What decorators accept as ``role=``.
RoleSpec: TypeAlias = str | Sequence[str | Sequence[str]] | None
#: The normalised form: alternatives (any one suffices), each a set of roles (all needed).
RoleRequirement: TypeAlias = list[frozenset[str]]


def normalize_roles(role: RoleSpec) -> RoleRequirement:
    """Return the alternatives of *role*; refuse shapes that would silently mean nothing."""
    if role is None:
        return []
    if isinstance(role, str):
        return [frozenset([_name(role)])]
    if not isinstance(role, Sequence):
        raise TypeError(f"role must be a string or a list; got {role!r}.")
    alternatives: RoleRequirement = []
    for item in role:
        if isinstance(item, str):
            alternatives.append(frozenset([_name(item)]))
        elif isinstance(item, Sequence) and item and all(isinstance(r, str) for r in item):
            alternatives.append(frozenset(_name(r) for r in item))
        else:
            raise TypeError(
                f"Each role alternative is a name or a non-empty list of names; got {item!r} "
                f"in {role!r}."
            )
    if not alternatives:
        raise TypeError("role=[] would let nobody in; leave role out to require no role.")
    return alternatives


def _name(role: str) -> str:
    if not role.strip():
        raise TypeError("A role name cannot be empty.")
    return role


def roles_of(value: Any) -> frozenset[str]:
    """Return what a ``get_user_roles`` hook returned as a set (a name, a list or None)."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset([value])
    if isinstance(value, Iterable):
        return frozenset(str(item) for item in value)
    raise TypeError(f"get_user_roles must return a role name or a list of names; got {value!r}.")


def roles_satisfied(held: Iterable[str], requirement: RoleRequirement) -> bool:
    """Return whether roles *held* meet *requirement* (any alternative fully held)."""
    if not requirement:
        return True
    roles = frozenset(held)
    return any(alternative <= roles for alternative in requirement)


def add_security(
    meta: dict[str, Any],
    schemes: Iterable[tuple[str, dict[str, Any]]],
    requirement: RoleRequirement,
) -> None:
    """Append to ``meta["security"]`` one ``(name, scheme, scopes)`` per scheme and alternative.

    This is what the OpenAPI generator reads: each entry is one acceptable way in.
    """
    entries = meta.setdefault("security", [])
    for name, scheme in schemes:
        for alternative in requirement or [frozenset()]:
            entries.append((name, dict(scheme), sorted(alternative)))


async def call_hook(hook: Callable[..., Any], *args: Any) -> Any:
    """Call a user hook that may be sync or async, and return its result."""
    result = hook(*args)
    if inspect.isawaitable(result):
        result = await result
    return result
