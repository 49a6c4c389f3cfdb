"""The web admin: list, search, filter, create, edit and delete the project's models.

Add ``"framework.contrib.admin"`` to INSTALLED_APPS (after ``framework.contrib.auth``), install
``framework[admin]`` (sqladmin) and run ``manage.py db-upgrade`` (the admin log's table). The
admin is served at ``ADMIN_URL`` (``/admin/``) to superusers and users with ``ADMIN_ROLE``
(``"staff"``). Each app's ``admin.py`` registers its models::

    from framework.contrib.admin import ModelAdmin, register

    @register(Post)
    class PostAdmin(ModelAdmin):
        list_display = ["id", "title", "published"]

This package imports neither sqladmin nor the database layer; the admin is built from the
registrations when the project's app is built.
"""

from __future__ import annotations

from framework.contrib.admin.options import ModelAdmin, action
from framework.contrib.admin.sites import (
    AdminSite,
    AlreadyRegistered,
    NotRegistered,
    register,
    site,
)

__all__ = [
    "AdminSite",
    "AlreadyRegistered",
    "ModelAdmin",
    "NotRegistered",
    "action",
    "register",
    "site",
]
