"""Users, roles and API tokens in the admin, through contrib.auth's own account functions.

* **Users**: list, search, filter, create, edit, deactivate (an action, or the checkbox:
  either ends the user's sessions), delete (with their tokens and role memberships), assign
  roles. A password is set through two password fields, checked by PASSWORD_VALIDATORS
  (with the form's username and email) and hashed with PASSWORD_SCHEMES; the hash is never
  listed, shown, exported, put in a form or written to the admin log. Setting one ends the
  user's other sessions, as ``changepassword`` does.
* **Roles**: names and descriptions.
* **API tokens**: issue one for a user (the token is shown once, in a dialog; only its
  digest is stored), revoke (an action), delete. Tokens are never edited.

Only superusers may use these pages unless a project registers its own subclass with other
``*_roles`` (``site.unregister(User)`` first): changing users is changing who may do what.
"""

from __future__ import annotations

import builtins
from typing import Any, ClassVar

from sqladmin import Secret
from starlette.requests import Request
from wtforms import Form, PasswordField, ValidationError

from framework.contrib.admin.forms import current_request
from framework.contrib.admin.options import ModelAdmin, action
from framework.contrib.admin.persistence import record, writing
from framework.contrib.admin.views import AdminView

__all__ = ["APITokenAdmin", "RoleAdmin", "UserAdmin"]

_PASSWORD_HELP = "Leave both empty to keep the current password."


class _UserForm(Form):  # type: ignore[misc, unused-ignore]  # WTForms: no hints
    """The checks contrib.auth applies to accounts, as form errors."""

    creating: ClassVar[bool] = True

    def validate_username(self, field: Any) -> None:
        from framework.contrib.auth.users import UserError, check_username

        try:
            check_username(field.data or "")
        except UserError as exc:
            raise ValidationError(str(exc)) from None

    def validate_email(self, field: Any) -> None:
        from framework.contrib.auth.users import UserError, check_email

        try:
            check_email(field.data or None)
        except UserError as exc:
            raise ValidationError(str(exc)) from None

    def validate_new_password(self, field: Any) -> None:
        from framework.auth.passwords import PasswordTooLongError, get_hasher
        from framework.auth.validators import PasswordValidationError, validate_password

        password = field.data or ""
        if not password:
            if self.creating:
                raise ValidationError("A new user needs a password.")
            return
        if password != (self["new_password_again"].data or ""):
            raise ValidationError("The two passwords differ.")
        user = {"username": self["username"].data or "", "email": self["email"].data or ""}
        try:
            get_hasher().check_length(password)
            validate_password(password, user)
        except (PasswordValidationError, PasswordTooLongError) as exc:
            raise ValidationError(str(exc)) from None


class UserAdmin(ModelAdmin, AdminView):
    """contrib.auth's users (see the module docstring)."""

    list_display = ["id", "username", "email", "is_active", "is_superuser", "roles", "last_login"]
    search_fields = ["username", "email"]
    list_filter = ["is_active", "is_superuser", "roles"]
    ordering = ["username"]
    fields = [
        "username",
        "email",
        "is_active",
        "is_superuser",
        "roles",
        "date_joined",
        "last_login",
    ]
    readonly_fields = ["date_joined", "last_login"]
    sensitive_fields = ("password", "session_version")
    view_roles = add_roles = change_roles = delete_roles = []
    actions = ["deactivate", "activate"]
    icon = "fa-solid fa-user"

    async def scaffold_form(self, rules: builtins.list[str] | None = None) -> type[Form]:
        """Add the two password fields and contrib.auth's checks to the model's form."""
        form = await super().scaffold_form(rules)
        creating = "pk" not in current_request().path_params
        kwargs: dict[str, Any] = {"render_kw": {"class": "form-control"}}
        fields = {
            "creating": creating,
            "new_password": PasswordField(
                "Password", description="" if creating else _PASSWORD_HELP, **kwargs
            ),
            "new_password_again": PasswordField("Password (again)", **kwargs),
        }
        return type(form.__name__, (_UserForm, form), fields)

    async def on_model_change(
        self, data: dict[str, Any], model: Any, is_created: bool, request: Request
    ) -> None:
        """Hash a new password; end the user's sessions when it changes or they are deactivated."""
        from framework.auth.passwords import hash_password, make_unusable_password

        password = data.pop("new_password", None) or ""
        data.pop("new_password_again", None)
        if password:
            data["password"] = await hash_password(password)
        elif is_created:
            data["password"] = make_unusable_password()
        if not is_created and model.is_active and data.get("is_active") is False:
            data["session_version"] = (model.session_version or 0) + 1

    async def remove(self, session: Any, obj: Any) -> None:
        """Delete the user with their tokens and role memberships (contrib.auth's way)."""
        from framework.contrib.auth.users import delete_user

        await delete_user(obj)

    @action(description="Deactivate the selected users (their sessions end)")
    async def deactivate(self, request: Request, objects: list[Any]) -> None:
        """Deactivate the users and void their sessions and remember-me cookies."""
        for user in objects:
            if user.is_active:
                user.is_active = False
                user.session_version = (user.session_version or 0) + 1

    @action(description="Activate the selected users")
    async def activate(self, request: Request, objects: list[Any]) -> None:
        """Let the users log in again."""
        for user in objects:
            user.is_active = True


class RoleAdmin(ModelAdmin):
    """contrib.auth's roles."""

    list_display = ["id", "name", "description"]
    search_fields = ["name", "description"]
    ordering = ["name"]
    fields = ["name", "description"]
    view_roles = add_roles = change_roles = delete_roles = []
    icon = "fa-solid fa-user-tag"


class APITokenAdmin(ModelAdmin, AdminView):
    """contrib.auth's API tokens: issued here (shown once), revoked, never edited."""

    list_display = ["id", "user", "name", "key", "created_at", "expires_at", "revoked_at"]
    search_fields = ["name", "=key", "user.username"]
    list_filter = ["user"]
    ordering = ["-created_at"]
    fields = ["user", "name", "expires_at"]
    sensitive_fields = ("digest",)
    view_roles = add_roles = change_roles = delete_roles = []
    actions = ["revoke"]
    can_edit = False
    name = "API token"
    name_plural = "API tokens"
    icon = "fa-solid fa-key"

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        """Issue a token for the chosen user; show it once; log it (without the secret)."""
        from framework.contrib.auth.models import User, as_utc
        from framework.contrib.auth.tokens import create_token

        async with writing() as session:
            user_id = data.get("user")
            user = await User.get(int(str(user_id))) if user_id not in (None, "") else None
            if user is None:
                raise ValueError("Choose the user the token is for.")
            token, plain = await create_token(user, data.get("name") or "default")
            token.expires_at = as_utc(data.get("expires_at"))
            await session.flush()
            shown = {"user": user.username, "name": token.name, "key": token.key}
            changes = {key: [None, value] for key, value in shown.items()}
            if token.expires_at is not None:
                changes["expires_at"] = [None, token.expires_at.isoformat()]
            record(session, request, self.model_label, (token.id, token.name), "create", changes)
        Secret.reveal_once(
            request,
            plain,
            title=f"API token for {user.username}",
            label="Copy it now: it is shown only this once (only its digest is stored).",
        )
        return token

    @action(description="Revoke the selected tokens")
    async def revoke(self, request: Request, objects: list[Any]) -> None:
        """Revoke the tokens: they stop authenticating at once."""
        from framework.contrib.auth.models import utcnow

        now = utcnow()
        for token in objects:
            if token.revoked_at is None:
                token.revoked_at = now
