import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djangobench.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

app = get_asgi_application()
