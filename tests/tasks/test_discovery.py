"""Tasks are discovered from each installed app's ``tasks.py``; a broken one is named."""

from __future__ import annotations

import pytest

import framework
from framework.exceptions import ImproperlyConfigured
from framework.tasks import discover_tasks

STRONG = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789"
TASKS = """
from framework.tasks import periodic, task


@task(queue="mail")
async def send(address: str) -> None: ...


@periodic("@daily")
@task
def nightly() -> None: ...
"""


def test_every_apps_tasks_module_is_imported(make_settings_module) -> None:
    make_settings_module(
        f"SECRET_KEY = {STRONG!r}\nINSTALLED_APPS = ['mailer', 'quiet']\n",
        apps_source={
            "mailer/__init__.py": "",
            "mailer/tasks.py": TASKS,
            "quiet/__init__.py": "",  # no tasks.py: nothing to import
        },
    )
    framework.setup()
    registry = discover_tasks()
    send = registry.get("mailer.tasks.send")
    assert send is not None and send.queue == "mail"
    assert [task.name for task in registry.scheduled() if task.name.startswith("mailer.")] == [
        "mailer.tasks.nightly"
    ]


def test_a_broken_tasks_module_names_the_app(make_settings_module) -> None:
    make_settings_module(
        f"SECRET_KEY = {STRONG!r}\nINSTALLED_APPS = ['shaky']\n",
        apps_source={"shaky/__init__.py": "", "shaky/tasks.py": "1 / 0\n"},
    )
    framework.setup()
    with pytest.raises(ImproperlyConfigured) as caught:
        discover_tasks()
    assert str(caught.value) == (
        "App 'shaky' failed to import 'shaky.tasks': ZeroDivisionError: division by zero"
    )
