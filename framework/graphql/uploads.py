"""File uploads in GraphQL: the multipart request spec, when GRAPHQL_MULTIPART_UPLOADS is on.

A ``multipart/form-data`` POST carries ``operations`` (the JSON request with ``null``
where files go), ``map`` (which part fills which variable) and the files. The form is read
within the route's limits (files, fields, part size, MAX_BODY_SIZE), and Strawberry's own
``replace_placeholders_with_files`` puts each ``UploadFile`` in place (its ``Upload``
scalar receives it). Off by default: a form POST is a "simple" cross-site request.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import UploadFile

from framework.web.exceptions import HTTPException

__all__ = ["multipart_operation"]


async def multipart_operation(request: Any) -> Any:
    """Return the operation of a multipart upload, its files in place of the placeholders."""
    from framework.graphql.extras import require_strawberry

    require_strawberry()
    from strawberry.file_uploads.utils import replace_placeholders_with_files

    form = await request.form()
    operations = _json_part(form, "operations")
    files_map = _json_part(form, "map")
    files = {name: value for name, value in form.multi_items() if isinstance(value, UploadFile)}
    if not isinstance(operations, dict) or not isinstance(files_map, dict):
        raise _refused("operations", "'operations' and 'map' must be JSON objects.")
    try:
        return replace_placeholders_with_files(operations, files_map, files)
    except (KeyError, IndexError, TypeError, ValueError):
        raise _refused(
            "map", "The 'map' part names a file or a variable that is missing."
        ) from None


def _json_part(form: Any, name: str) -> Any:
    value = form.get(name)
    if not isinstance(value, str):
        raise _refused(name, f"The multipart request has no {name!r} part.")
    try:
        return json.loads(value)
    except ValueError:
        raise _refused(name, f"The {name!r} part is not valid JSON.") from None


def _refused(part: str, message: str) -> HTTPException:
    return HTTPException(
        400, message, errors=[{"loc": ["body", part], "msg": message, "type": "graphql_upload"}]
    )
