"""pytest set-up of the {{ cookiecutter.app_name }} package.

Its tests run on their own settings (tests/settings.py), from this folder: `pytest`. When
the package sits inside a project's folder, the project's own `pytest` skips it, instead of
collecting these tests under the project's settings.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def pytest_ignore_collect(collection_path, config):
    if config.rootpath.resolve() != HERE:
        return True
    return None
