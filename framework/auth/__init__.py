"""Authentication: hashing, Basic/Token/Digest/JWT backends, session login, roles, CSRF.

Importing this package loads neither passlib nor the database layer; the ready-made
backends bound to users and tokens in the database are in ``framework.contrib.auth``.
"""

from __future__ import annotations

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
