"""What the tasks framework raises: bad declarations, bad arguments, unknown results."""

from __future__ import annotations

from framework.exceptions import FrameworkError, ImproperlyConfigured

__all__ = ["InvalidTaskError", "ResultNotFound", "TaskArgumentsError", "TaskError"]


class TaskError(FrameworkError):
    """Root of the errors of ``framework.tasks``."""


class InvalidTaskError(TaskError, ImproperlyConfigured):
    """A ``@task`` or ``@periodic`` declaration is wrong: refused where it is written."""


class TaskArgumentsError(TaskError, TypeError):
    """Arguments that do not fit the task's signature or are not JSON: refused at enqueue."""


class ResultNotFound(TaskError, LookupError):
    """No job with this id is known to the backend (never enqueued, or pruned)."""
