"""ASGI entry point of robustsite: `uvicorn robustsite.asgi:app` or any ASGI server."""

import os

os.environ.setdefault("FRAMEWORK_SETTINGS_MODULE", "robustsite.settings")

from framework.web import get_asgi_application

app = get_asgi_application()
