"""marshmallow support: the adapter ``@input``/``@output`` use, and ``FileField`` for uploads.

Importing this package imports marshmallow; ``framework.io`` itself never does.
"""

from __future__ import annotations

from framework.io.marshmallow.adapter import MarshmallowAdapter
from framework.io.marshmallow.errors import marshmallow_errors
from framework.io.marshmallow.fields import FileField

__all__ = ["FileField", "MarshmallowAdapter", "marshmallow_errors"]
