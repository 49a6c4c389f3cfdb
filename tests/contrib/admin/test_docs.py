"""docs/admin.md stays true: its examples are the tested fixture and run as printed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "docs" / "admin.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks() -> list[str]:
    return BLOCK.findall(GUIDE.read_text(encoding="utf-8"))


def test_every_example_is_exercised() -> None:
    assert len(blocks()) == 2


def test_the_registration_example_is_the_library_admin_the_tests_use() -> None:
    fixture = ROOT / "tests" / "fixtures" / "adminproject" / "library" / "admin.py"
    assert blocks()[0] == fixture.read_text(encoding="utf-8")


@pytest.mark.usefixtures("adminproject")
def test_replacing_the_user_admin() -> None:
    import framework.contrib.admin.admin  # noqa: F401  (registers the built-in admins)
    from framework.contrib.admin import site
    from framework.contrib.admin.accounts import UserAdmin
    from framework.contrib.auth.models import User

    try:
        namespace: dict[str, object] = {"__name__": "docs_admin"}
        exec(compile(blocks()[1], "admin.md (example 2)", "exec"), namespace)
        replaced = site.registry()[User]
        assert replaced is namespace["StaffUserAdmin"] and issubclass(replaced, UserAdmin)
        assert (replaced.view_roles, replaced.change_roles) == (["hr"], ["hr"])
    finally:
        site.unregister(User)
        site.register(User, UserAdmin)


def test_the_screenshots_are_small_pngs() -> None:
    for name in ("admin-index.png", "admin-list.png"):
        data = (ROOT / "docs" / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) < 150_000, name
        assert f"({name})" in GUIDE.read_text(encoding="utf-8")
