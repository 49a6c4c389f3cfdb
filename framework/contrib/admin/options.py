"""``ModelAdmin``: how the admin lists, searches, filters and edits one model, in Django's words.

::

    @register(Post)
    class PostAdmin(ModelAdmin):
        list_display = ["id", "title", "author.name", "published"]
        search_fields = ["title", "=slug", "author.name"]
        list_filter = ["published", "author"]
        ordering = ["-id"]
        readonly_fields = ["created"]
        change_roles = ["editor"]
        actions = ["publish"]

        @action(description="Publish the selected posts")
        async def publish(self, request, objects):
            for post in objects:
                post.published = True

A ``ModelAdmin`` is a declaration: nothing here imports sqladmin. When the admin is built,
each registered class is checked (every name must exist on the model; a typo is refused
with the names that do) and mapped onto a sqladmin ``ModelView`` that inherits from it, so
sqladmin's own attributes and hooks (``column_formatters``, ``form_args``, ``icon``,
``on_model_change``…) may be written on it too.

Permissions are by role. ``view_roles``, ``add_roles``, ``change_roles`` and
``delete_roles`` are role requirements like ``@login_required(role=...)``'s (a name, a list
of alternatives, a list of lists for "all of"); ``None`` (the default) lets in every user
admitted to the admin, an empty list only superusers, who may always do everything. Change
implies view, as in Django. Override ``has_view_permission(request, obj=None)`` and its
siblings for rules that are not about roles; they are called often (once per row of a list
page), so they must not touch the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar, cast, overload

from starlette.requests import Request

from framework.auth.roles import RoleRequirement, RoleSpec, normalize_roles, roles_satisfied
from framework.exceptions import ImproperlyConfigured

__all__ = ["ActionSpec", "ModelAdmin", "action", "admin_user", "roles_allow"]

F = TypeVar("F", bound=Callable[..., Any])

#: The admitted user of the request, set by the admin's authentication.
USER_STATE = "admin_user"
#: The permission names an action may require (``has_<name>_permission``).
PERMISSIONS = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class ActionSpec:
    """What ``@action`` records on a method: its label, the permissions it needs, a question."""

    name: str
    description: str
    permissions: tuple[str, ...]
    confirmation: str | None


class _ActionFunction(Protocol):
    """A function ``@action`` marked: it carries its spec for ``ModelAdmin.action_specs``."""

    admin_action: ActionSpec

    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...


@overload
def action(function: F) -> F: ...


@overload
def action(
    *,
    description: str | None = None,
    permissions: Sequence[str] = ("change",),
    confirmation: str | None = None,
) -> Callable[[F], F]: ...


def action(
    function: Any = None,
    *,
    description: str | None = None,
    permissions: Sequence[str] = ("change",),
    confirmation: str | None = None,
) -> Any:
    """Mark ``async def name(self, request, objects)`` as an action on the selected rows.

    The selected objects are loaded in one transaction; what the action changes on them is
    committed with one admin-log entry per changed object. *permissions* names the
    ``has_<name>_permission`` checks the user must pass (``change`` unless given);
    *confirmation* asks before running. Return None to go back to the list, or a Response.
    """

    def decorate(func: F) -> F:
        unknown = sorted(set(permissions) - set(PERMISSIONS))
        if unknown:
            raise ValueError(
                f"@action(permissions=...) on {func.__qualname__} names {unknown[0]!r}; "
                f"use some of {list(PERMISSIONS)}."
            )
        label = description or func.__name__.replace("_", " ").capitalize()
        spec = ActionSpec(func.__name__, label, tuple(permissions), confirmation)
        # The function becomes an _ActionFunction by the assignment below.
        cast(_ActionFunction, func).admin_action = spec
        return func

    return decorate(function) if function is not None else decorate


def admin_user(request: Request) -> Any:
    """Return the user the admin admitted for *request* (None outside the admin)."""
    return getattr(request.state, USER_STATE, None)


def roles_allow(user: Any, requirement: RoleRequirement | None) -> bool:
    """Return whether *user* meets *requirement* (None: anyone admitted; []: superusers only)."""
    if user is None:
        return False
    if getattr(user, "is_superuser", False) or requirement is None:
        return True
    return bool(requirement) and roles_satisfied(getattr(user, "role_names", ()), requirement)


def _requirement(spec: RoleSpec | Sequence[Any] | None) -> RoleRequirement | None:
    if spec is None:
        return None
    if not isinstance(spec, str) and not spec:
        return []
    return normalize_roles(spec)


class ModelAdmin:
    """Options of one model in the admin (Django's attribute names); see the module docstring."""

    #: Columns of the list page: column or relationship names, or dotted paths through
    #: relationships (``"author.name"``). Empty: every column.
    list_display: ClassVar[Sequence[str]] = ()
    #: Searched by ``?search=``: each word must match one of them (``icontains``); a name
    #: prefixed with ``=`` must match exactly, with ``^`` from the start (case-insensitive).
    search_fields: ClassVar[Sequence[str]] = ()
    #: Filters beside the list: column or many-to-one relationship names (or sqladmin filters).
    list_filter: ClassVar[Sequence[Any]] = ()
    #: Default order of the list (``"-name"`` descending). Empty: newest first (``-pk``).
    ordering: ClassVar[Sequence[str]] = ()
    #: Shown in the form but never written from it.
    readonly_fields: ClassVar[Sequence[str]] = ()
    #: The form's fields, in order (None: every column and relationship but the primary key).
    fields: ClassVar[Sequence[str] | None] = None
    #: Fields left out of the form.
    exclude: ClassVar[Sequence[str]] = ()
    #: Rows per list page.
    list_per_page: ClassVar[int] = 50
    #: Actions on the selected rows: names of ``@action`` methods (or functions).
    actions: ClassVar[Sequence[str | Callable[..., Any]]] = ()
    #: Columns the list may be sorted by (None: every listed column that is not a relationship).
    sortable_by: ClassVar[Sequence[str] | None] = None
    #: Attributes whose values the admin log never records (only that they changed).
    sensitive_fields: ClassVar[Sequence[str]] = ("password",)

    view_roles: ClassVar[RoleSpec | Sequence[Any] | None] = None
    add_roles: ClassVar[RoleSpec | Sequence[Any] | None] = None
    change_roles: ClassVar[RoleSpec | Sequence[Any] | None] = None
    delete_roles: ClassVar[RoleSpec | Sequence[Any] | None] = None

    def _allowed(self, request: Request, roles: Any) -> bool:
        return roles_allow(admin_user(request), _requirement(roles))

    def has_view_permission(self, request: Request, obj: Any = None) -> bool:
        """Return whether the user may list and see the model's rows (change implies view)."""
        return self._allowed(request, self.view_roles) or self.has_change_permission(request, obj)

    def has_add_permission(self, request: Request) -> bool:
        """Return whether the user may create rows."""
        return self._allowed(request, self.add_roles)

    def has_change_permission(self, request: Request, obj: Any = None) -> bool:
        """Return whether the user may edit rows (*obj* when one row is asked about)."""
        return self._allowed(request, self.change_roles)

    def has_delete_permission(self, request: Request, obj: Any = None) -> bool:
        """Return whether the user may delete rows (*obj* when one row is asked about)."""
        return self._allowed(request, self.delete_roles)

    @classmethod
    def action_specs(cls) -> list[tuple[ActionSpec, Callable[..., Any]]]:
        """Return each listed action's spec and function, in the order of ``actions``."""
        found = []
        for entry in cls.actions:
            func = getattr(cls, entry, None) if isinstance(entry, str) else entry
            spec = getattr(func, "admin_action", None)
            if func is None or not callable(func):
                raise ImproperlyConfigured(
                    f"{cls.__qualname__}.actions names {entry!r}, which is not a method of "
                    "it nor a function."
                )
            if spec is None:
                name = getattr(func, "__name__", repr(func))
                spec = ActionSpec(name, name.replace("_", " ").capitalize(), ("change",), None)
            found.append((spec, func))
        return found
