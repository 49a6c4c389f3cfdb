"""Fixtures of the security tests: the database test project on SQLite and PostgreSQL."""

from tests.support.fixtures import *  # noqa: F403
