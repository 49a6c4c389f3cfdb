"""ASGI entry point of benchsite: `uvicorn benchsite.asgi:app` or any ASGI server."""

import os

os.environ.setdefault("FRAMEWORK_SETTINGS_MODULE", "benchsite.settings")

from framework.web import get_asgi_application

app = get_asgi_application()
