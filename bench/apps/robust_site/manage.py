#!/usr/bin/env python
"""Run management commands for the robustsite project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("FRAMEWORK_SETTINGS_MODULE", "robustsite.settings")
    from framework.cli import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
