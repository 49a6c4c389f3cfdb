"""Role requirements: names, any-of lists, all-of sets, and the shapes that are refused."""

from __future__ import annotations

import pytest

from framework.auth import normalize_roles, roles_satisfied
from framework.auth.roles import roles_of


def test_shapes() -> None:
    assert normalize_roles(None) == []
    assert normalize_roles("admin") == [frozenset({"admin"})]
    assert normalize_roles(["a", "b"]) == [frozenset({"a"}), frozenset({"b"})]
    assert normalize_roles([["a", "b"]]) == [frozenset({"a", "b"})]
    assert normalize_roles(["a", ("b", "c")]) == [frozenset({"a"}), frozenset({"b", "c"})]


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ([], "role=[] would let nobody in; leave role out to require no role."),
        ([[]], "Each role alternative is a name or a non-empty list of names; got [] in [[]]."),
        ([1], "Each role alternative is a name or a non-empty list of names; got 1 in [1]."),
        (" ", "A role name cannot be empty."),
        (3, "role must be a string or a list; got 3."),
    ],
)
def test_refused_shapes(role, message: str) -> None:
    with pytest.raises(TypeError) as refused:
        normalize_roles(role)
    assert str(refused.value) == message


def test_satisfaction() -> None:
    assert roles_satisfied([], [])
    assert roles_satisfied(["a"], normalize_roles(["a", "b"]))
    assert not roles_satisfied(["a"], normalize_roles([["a", "b"]]))
    assert roles_satisfied(["b", "a", "c"], normalize_roles([["a", "b"]]))
    assert not roles_satisfied([], normalize_roles("a"))


def test_hook_results() -> None:
    assert roles_of(None) == frozenset()
    assert roles_of("admin") == frozenset({"admin"})
    assert roles_of({"a", "b"}) == frozenset({"a", "b"})
    with pytest.raises(TypeError):
        roles_of(42)
