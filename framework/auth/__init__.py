"""Authentication: hashing, Basic/Token/Digest/JWT backends, session login, roles, CSRF.

Importing this package loads neither passlib nor the database layer, and its names are
imported on first use (the auth checks run at every server start); the ready-made backends
bound to users and tokens in the database are in ``framework.contrib.auth``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from framework.module_loading import lazy_exports as _lazy_exports

if TYPE_CHECKING:
    from framework.auth.backends import AuthBackend, BasicAuth, MultiAuth, TokenAuth
    from framework.auth.csrf import (
        CSRFMiddleware,
        check_csrf_token,
        csrf_input,
        get_csrf_token,
        rotate_csrf_token,
    )
    from framework.auth.decorators import (
        authenticate,
        current_user,
        get_login_manager,
        login_required,
    )
    from framework.auth.digest import DigestAuth, digest_ha1
    from framework.auth.jwt import JWTAuth, JWTError, create_jwt, decode_jwt
    from framework.auth.login import AuthFailureReason, LoginManager
    from framework.auth.middleware import AuthenticationMiddleware
    from framework.auth.passwords import (
        PasswordHasher,
        PasswordTooLongError,
        get_hasher,
        hash_password,
        verify_password,
    )
    from framework.auth.redirects import is_safe_url, safe_redirect_url
    from framework.auth.roles import normalize_roles, roles_satisfied
    from framework.auth.validators import (
        CommonPasswordValidator,
        MinimumLengthValidator,
        NumericPasswordValidator,
        PasswordValidationError,
        UserAttributeSimilarityValidator,
        validate_password,
    )

__all__ = [
    "AuthBackend",
    "AuthFailureReason",
    "AuthenticationMiddleware",
    "BasicAuth",
    "CSRFMiddleware",
    "CommonPasswordValidator",
    "DigestAuth",
    "JWTAuth",
    "JWTError",
    "LoginManager",
    "MinimumLengthValidator",
    "MultiAuth",
    "NumericPasswordValidator",
    "PasswordHasher",
    "PasswordTooLongError",
    "PasswordValidationError",
    "TokenAuth",
    "UserAttributeSimilarityValidator",
    "authenticate",
    "check_csrf_token",
    "create_jwt",
    "csrf_input",
    "current_user",
    "decode_jwt",
    "digest_ha1",
    "get_csrf_token",
    "get_hasher",
    "get_login_manager",
    "hash_password",
    "is_safe_url",
    "login_required",
    "normalize_roles",
    "roles_satisfied",
    "rotate_csrf_token",
    "safe_redirect_url",
    "validate_password",
    "verify_password",
]

_HOMES = {
    "AuthBackend": "backends",
    "BasicAuth": "backends",
    "MultiAuth": "backends",
    "TokenAuth": "backends",
    "CSRFMiddleware": "csrf",
    "check_csrf_token": "csrf",
    "csrf_input": "csrf",
    "get_csrf_token": "csrf",
    "rotate_csrf_token": "csrf",
    "authenticate": "decorators",
    "current_user": "decorators",
    "get_login_manager": "decorators",
    "login_required": "decorators",
    "DigestAuth": "digest",
    "digest_ha1": "digest",
    "JWTAuth": "jwt",
    "JWTError": "jwt",
    "create_jwt": "jwt",
    "decode_jwt": "jwt",
    "AuthFailureReason": "login",
    "LoginManager": "login",
    "AuthenticationMiddleware": "middleware",
    "PasswordHasher": "passwords",
    "PasswordTooLongError": "passwords",
    "get_hasher": "passwords",
    "hash_password": "passwords",
    "verify_password": "passwords",
    "is_safe_url": "redirects",
    "safe_redirect_url": "redirects",
    "normalize_roles": "roles",
    "roles_satisfied": "roles",
    "CommonPasswordValidator": "validators",
    "MinimumLengthValidator": "validators",
    "NumericPasswordValidator": "validators",
    "PasswordValidationError": "validators",
    "UserAttributeSimilarityValidator": "validators",
    "validate_password": "validators",
}

__getattr__, __dir__ = _lazy_exports(__name__, _HOMES, __all__)
