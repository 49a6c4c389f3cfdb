"""The testing-package tests run pytest inside pytest (pytester)."""

pytest_plugins = ["pytester"]
