"""ASGI entry point of {{ cookiecutter.project_name }}: `uvicorn {{ cookiecutter.project_name }}.asgi:app` or any ASGI server."""

import os

os.environ.setdefault("FRAMEWORK_SETTINGS_MODULE", "{{ cookiecutter.project_name }}.settings")

from framework.web import get_asgi_application  # noqa: E402

app = get_asgi_application()
