"""Adding an app to INSTALLED_APPS edits only literal lists, keeping the file's layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.cli.settings_edit import add_installed_app


def edit(tmp_path: Path, source: str, app: str = "blog") -> tuple[str, str]:
    path = tmp_path / "settings.py"
    path.write_text(source)
    outcome = add_installed_app(path, app)
    return outcome, path.read_text()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("INSTALLED_APPS = [\n]\n", 'INSTALLED_APPS = [\n    "blog",\n]\n'),
        ("INSTALLED_APPS = []\n", 'INSTALLED_APPS = ["blog"]\n'),
        ('INSTALLED_APPS = ["a"]\n', 'INSTALLED_APPS = ["a", "blog"]\n'),
        ('INSTALLED_APPS = ("a",)\n', 'INSTALLED_APPS = ("a", "blog")\n'),
        ("INSTALLED_APPS = ()\n", 'INSTALLED_APPS = ("blog",)\n'),
        (
            'INSTALLED_APPS = [\n    "a",\n    "b",\n]\n',
            'INSTALLED_APPS = [\n    "a",\n    "b",\n    "blog",\n]\n',
        ),
        (
            'INSTALLED_APPS = [\n  "a",\n  "b"\n]\n',
            'INSTALLED_APPS = [\n  "a",\n  "b",\n  "blog",\n]\n',
        ),
        (
            'INSTALLED_APPS = [\n    "a",  # the first\n    # more later\n]\nX = 1\n',
            'INSTALLED_APPS = [\n    "a",  # the first\n    # more later\n    "blog",\n]\nX = 1\n',
        ),
        (
            'INSTALLED_APPS = [\n    "a"  # no comma\n]\n',
            'INSTALLED_APPS = [\n    "a",  # no comma\n    "blog",\n]\n',
        ),
        (
            'INSTALLED_APPS = ["a",\n                  "b"]\n',
            'INSTALLED_APPS = ["a",\n                  "b",\n                  "blog",\n]\n',
        ),
        (
            '# héllo\nINSTALLED_APPS = ["é"]\n',
            '# héllo\nINSTALLED_APPS = ["é", "blog"]\n',
        ),
    ],
)
def test_literal_lists_are_edited(tmp_path: Path, before: str, after: str) -> None:
    assert edit(tmp_path, before) == ("added", after)


def test_already_present(tmp_path: Path) -> None:
    assert edit(tmp_path, 'INSTALLED_APPS = ["blog"]\n') == (
        "present",
        'INSTALLED_APPS = ["blog"]\n',
    )


@pytest.mark.parametrize(
    "source",
    [
        "INSTALLED_APPS = BASE_APPS + ['x']\n",
        "INSTALLED_APPS = ['a']\nINSTALLED_APPS += ['b']\n",
        "INSTALLED_APPS = ['a']\nINSTALLED_APPS = ['b']\n",
        "INSTALLED_APPS = [name for name in ['a']]\n",
        "INSTALLED_APPS = ['a', SOME_APP]\n",
        "X = 1\n",
        "INSTALLED_APPS = [\n",
    ],
)
def test_other_shapes_are_left_alone(tmp_path: Path, source: str) -> None:
    assert edit(tmp_path, source) == ("unsupported", source)
