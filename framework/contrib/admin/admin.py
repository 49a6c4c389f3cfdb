"""The admin's own registrations: the admin log, and contrib.auth's users, roles and tokens.

Each is registered unless the project registered the model first (an app listed before the
admin in INSTALLED_APPS); an app after it replaces one with ``site.unregister(User)``.
"""

from __future__ import annotations

from framework.apps import apps
from framework.contrib.admin.models import LogEntry
from framework.contrib.admin.options import ModelAdmin
from framework.contrib.admin.sites import site

__all__ = ["LogEntryAdmin"]


class LogEntryAdmin(ModelAdmin):
    """The admin log: read only, for superusers."""

    list_display = ["action_time", "username", "action", "model", "object_repr", "object_id"]
    search_fields = ["username", "model", "object_repr", "=object_id"]
    list_filter = ["action", "model"]
    ordering = ["-action_time"]
    view_roles = add_roles = change_roles = delete_roles = []
    can_create = False
    can_edit = False
    can_delete = False
    name = "Log entry"
    name_plural = "Admin log"
    icon = "fa-solid fa-clock-rotate-left"


def _register_defaults() -> None:
    defaults: list[tuple[type, type[ModelAdmin]]] = [(LogEntry, LogEntryAdmin)]
    if apps.is_installed("framework.contrib.auth"):
        from framework.contrib.admin.accounts import APITokenAdmin, RoleAdmin, UserAdmin
        from framework.contrib.auth.models import APIToken, Role, User

        defaults += [(User, UserAdmin), (Role, RoleAdmin), (APIToken, APITokenAdmin)]
    for model, admin_class in defaults:
        if model not in site:
            site.register(model, admin_class)


_register_defaults()
