"""Database fixtures: the test project, and real databases on SQLite and PostgreSQL."""

from tests.support.fixtures import *  # noqa: F403
