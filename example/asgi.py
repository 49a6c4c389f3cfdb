"""ASGI entry point of the demo project: `uvicorn example.asgi:app`."""

import os

os.environ.setdefault("FRAMEWORK_SETTINGS_MODULE", "example.settings")

from framework.web import get_asgi_application

app = get_asgi_application()
