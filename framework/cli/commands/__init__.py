"""The built-in commands, one module each (listed in ``framework.cli.builtins``)."""

__all__: list[str] = []
