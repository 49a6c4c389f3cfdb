"""The database layer: ``from framework.db import Model, CRUDMixin, transaction``.

Engines per ``DATABASES`` alias (created lazily, on first use), the declarative ``Model``
base, request- and block-scoped sessions, ``transaction`` and ``on_commit``, CRUD helpers and
pagination. Importing this package does no IO.
"""

from __future__ import annotations

from framework.db.config import DatabaseConfig
from framework.db.crud import CRUDMixin
from framework.db.engines import EngineRegistry, engines
from framework.db.errors import LazyLoadError, QueryValueError
from framework.db.hooks import on_commit
from framework.db.models import NAMING_CONVENTION, Model, database_alias, metadata
from framework.db.query import Page, Query
from framework.db.schema import create_all
from framework.db.sessions import (
    NoSessionError,
    RequestSessions,
    SessionScope,
    TransactionManagementError,
    current_scope,
    current_session,
    request_scope,
    session,
)
from framework.db.transactions import transaction

__all__ = [
    "NAMING_CONVENTION",
    "CRUDMixin",
    "DatabaseConfig",
    "EngineRegistry",
    "LazyLoadError",
    "Model",
    "NoSessionError",
    "Page",
    "Query",
    "QueryValueError",
    "RequestSessions",
    "SessionScope",
    "TransactionManagementError",
    "create_all",
    "current_scope",
    "current_session",
    "database_alias",
    "engines",
    "metadata",
    "on_commit",
    "request_scope",
    "session",
    "transaction",
]
