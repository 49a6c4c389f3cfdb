"""Database fixtures (the test project, real SQLite and PostgreSQL) and pytester."""

from tests.support.fixtures import *  # noqa: F403
