"""A throwaway project with only this app installed, for the app's own tests."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "tests-only-secret-key-of-sufficient-length-0123456789"
DEBUG = True
INSTALLED_APPS = ["{{ cookiecutter.app_name }}"]
DATABASES = {"default": "sqlite+aiosqlite:///:memory:"}
