"""JSON Web Tokens: ``create_jwt``, ``decode_jwt`` and the ``JWTAuth`` backend (PyJWT).

::

    token = create_jwt({"sub": "42", "scope": "read"})      # signed, with iat and exp
    claims = decode_jwt(token)                               # verified, or JWTError

    @get("/me")
    @authenticate(JWTAuth())
    async def me(self, request):
        return request.state.user                             # the claims (or your user)

Settings: JWT_ALGORITHM (HS256 by default: signed with SECRET_KEY, verified with it and
then SECRET_KEY_FALLBACKS, so a key rotation keeps tokens valid; RS256/ES256… with
JWT_SIGNING_KEY and JWT_VERIFYING_KEY, PEM text or a file), JWT_LIFETIME, JWT_AUDIENCE,
JWT_ISSUER and JWT_LEEWAY. Verification accepts exactly the configured algorithm: a token
whose header says ``none``, or another algorithm (HS256 signed with an RSA public key — the
"algorithm confusion" attack), is refused. ``exp`` is required; ``nbf`` and ``iat`` are
checked when present; ``aud`` and ``iss`` when configured (a token with an ``aud`` is refused
by a service that expects none).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from starlette.requests import HTTPConnection

from framework.auth.backends import DEFAULT_REALM, TokenAuth
from framework.auth.roles import call_hook
from framework.checks import CheckMessage, Error, register
from framework.conf.security import signing_keys
from framework.exceptions import FrameworkError, ImproperlyConfigured, MissingDependencyError

__all__ = ["JWTAuth", "JWTError", "JWTKeys", "check_jwt_settings", "create_jwt", "decode_jwt"]

F = TypeVar("F", bound=Callable[..., Any])
HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")
ASYMMETRIC_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
)  # fmt: skip
ALGORITHMS = HMAC_ALGORITHMS + ASYMMETRIC_ALGORITHMS
MAX_TOKEN_LENGTH = 8192


class JWTError(FrameworkError, ValueError):
    """A token was refused: the message says why (expired, bad signature, wrong algorithm…)."""


def _jwt() -> Any:
    try:
        import jwt
    except ImportError:
        raise MissingDependencyError("pyjwt", extra="jwt", feature="JSON Web Tokens") from None
    return jwt


def _pem(value: str, setting: str) -> str:
    """Return PEM text from *value*: the text itself, or the file it names (under BASE_DIR)."""
    if value.lstrip().startswith("-----BEGIN"):
        return value
    from framework.conf import settings

    path = Path(value)
    path = path if path.is_absolute() else Path(settings.BASE_DIR or ".") / path
    try:
        return path.read_text()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{setting} is neither PEM text nor a readable file: {str(path)!r} ({exc.strerror})."
        ) from None


class JWTKeys:
    """The algorithm and keys tokens are signed and verified with, from settings or arguments."""

    def __init__(
        self,
        algorithm: str | None = None,
        signing_key: str | bytes | None = None,
        verifying_key: str | bytes | None = None,
    ) -> None:
        from framework.conf import settings

        self.algorithm = algorithm or str(settings.JWT_ALGORITHM)
        if self.algorithm not in ALGORITHMS:
            raise ImproperlyConfigured(
                f"JWT_ALGORITHM {self.algorithm!r} is not supported: use one of "
                f"{', '.join(ALGORITHMS)}."
            )
        signing = signing_key if signing_key is not None else str(settings.JWT_SIGNING_KEY or "")
        verifying = (
            verifying_key if verifying_key is not None else str(settings.JWT_VERIFYING_KEY or "")
        )
        if self.algorithm in HMAC_ALGORITHMS:
            self._init_hmac(signing or verifying, settings)
        else:
            self._init_asymmetric(_text(signing), _text(verifying))

    def _init_hmac(self, secret: str | bytes, settings: Any) -> None:
        if secret:  # one shared secret signs and verifies
            self._check_length(secret, "JWT_SIGNING_KEY")
            self.signing_key: str | bytes | None = secret
            self.verifying_keys: list[Any] = [secret]
            return
        if not settings.SECRET_KEY:
            raise ImproperlyConfigured(
                f"{self.algorithm} tokens are signed with SECRET_KEY (or JWT_SIGNING_KEY), which "
                "is empty."
            )
        self.signing_key, *fallbacks = signing_keys(settings)
        self._check_length(self.signing_key, "SECRET_KEY")
        self.verifying_keys = [self.signing_key, *fallbacks]

    def _check_length(self, secret: str | bytes, setting: str) -> None:
        size = len(secret.encode() if isinstance(secret, str) else secret)
        needed = int(self.algorithm[2:]) // 8
        if size < needed:
            raise ImproperlyConfigured(
                f"{setting} is {size} bytes long; {self.algorithm} needs a secret of at least "
                f"{needed} bytes (RFC 7518, section 3.2)."
            )

    def _init_asymmetric(self, signing: str, verifying: str) -> None:
        if not signing and not verifying:
            raise ImproperlyConfigured(
                f"JWT_ALGORITHM {self.algorithm!r} needs JWT_VERIFYING_KEY (a PEM public key) to "
                "verify tokens, and JWT_SIGNING_KEY (the private key) to create them."
            )
        self.signing_key = _pem(signing, "JWT_SIGNING_KEY") if signing else None
        if verifying:
            self.verifying_keys = [_pem(verifying, "JWT_VERIFYING_KEY")]
        else:
            from cryptography.hazmat.primitives import serialization

            private = serialization.load_pem_private_key(str(self.signing_key).encode(), None)
            self.verifying_keys = [private.public_key()]


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def create_jwt(
    claims: Mapping[str, Any] | None = None,
    *,
    expires_in: int | float | timedelta | None = None,
    audience: str | Sequence[str] | None = None,
    issuer: str | None = None,
    headers: Mapping[str, Any] | None = None,
    keys: JWTKeys | None = None,
) -> str:
    """Return a signed token with *claims*, ``iat``, ``exp`` (JWT_LIFETIME) and aud/iss.

    Claims you pass win over the computed ones (``{"exp": ...}`` sets the expiry).
    """
    from framework.conf import settings

    keys = keys or JWTKeys()
    if keys.signing_key is None:
        raise ImproperlyConfigured(
            f"JWT_SIGNING_KEY is empty: {keys.algorithm} tokens cannot be created here "
            "(this service only verifies them)."
        )
    lifetime = _seconds(expires_in if expires_in is not None else settings.JWT_LIFETIME)
    if lifetime <= 0:
        raise ValueError(f"A token must expire: expires_in must be positive, got {lifetime}.")
    now = int(time.time())
    payload: dict[str, Any] = {"iat": now, "exp": now + int(lifetime)}
    audience = audience if audience is not None else (settings.JWT_AUDIENCE or None)
    issuer = issuer if issuer is not None else (settings.JWT_ISSUER or None)
    if audience:
        payload["aud"] = audience if isinstance(audience, str) else list(audience)
    if issuer:
        payload["iss"] = issuer
    payload.update(claims or {})
    token: str = _jwt().encode(
        payload, keys.signing_key, algorithm=keys.algorithm, headers=dict(headers or {})
    )
    return token


def decode_jwt(
    token: str,
    *,
    audience: str | Sequence[str] | None = None,
    issuer: str | None = None,
    leeway: int | float | timedelta | None = None,
    require: Sequence[str] = ("exp",),
    keys: JWTKeys | None = None,
) -> dict[str, Any]:
    """Verify *token* and return its claims; raise :class:`JWTError` saying why not."""
    from framework.conf import settings

    jwt = _jwt()
    keys = keys or JWTKeys()
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise JWTError("The token is malformed.")
    options = {
        "audience": audience if audience is not None else (settings.JWT_AUDIENCE or None),
        "issuer": issuer if issuer is not None else (settings.JWT_ISSUER or None),
        "leeway": _seconds(leeway if leeway is not None else settings.JWT_LEEWAY or 0),
        "options": {"require": list(require)},
    }
    _check_header(jwt, token, keys.algorithm)
    for index, key in enumerate(keys.verifying_keys):
        try:
            claims: dict[str, Any] = jwt.decode(token, key, algorithms=[keys.algorithm], **options)
        except jwt.InvalidSignatureError:
            if index + 1 < len(keys.verifying_keys):
                continue  # signed with an older SECRET_KEY, perhaps
            raise JWTError("The token's signature is invalid.") from None
        except jwt.PyJWTError as exc:
            raise JWTError(_explain(jwt, exc)) from None
        return claims
    raise JWTError("The token's signature is invalid.")  # pragma: no cover - no keys


def _check_header(jwt: Any, token: str, algorithm: str) -> None:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise JWTError("The token is malformed.") from None
    alg = header.get("alg")
    if alg != algorithm:
        raise JWTError(f"The token's algorithm {alg!r} is not accepted: tokens use {algorithm}.")


def _explain(jwt: Any, exc: Exception) -> str:
    messages = [
        (jwt.ExpiredSignatureError, "The token has expired."),
        (jwt.ImmatureSignatureError, "The token is not valid yet (nbf or iat in the future)."),
        (jwt.InvalidAudienceError, "The token is not meant for this audience."),
        (jwt.InvalidIssuerError, "The token comes from another issuer."),
        (jwt.MissingRequiredClaimError, f"The token lacks a required claim: {exc}."),
        (jwt.InvalidKeyError, "The token cannot be verified with the configured key."),
    ]
    for kind, message in messages:
        if isinstance(exc, kind):
            return message
    return "The token is malformed."


class JWTAuth(TokenAuth):
    """Bearer JWTs: ``@authenticate(JWTAuth())``; the user is the claims, or your function's.

    Register ``@jwt_auth.verify_token`` to turn claims into a user (return None to refuse);
    ``@jwt_auth.get_user_roles`` to give roles. Arguments override the JWT_* settings, for a
    service that checks another issuer's tokens.
    """

    def __init__(
        self,
        *,
        audience: str | Sequence[str] | None = None,
        issuer: str | None = None,
        leeway: int | float | timedelta | None = None,
        algorithm: str | None = None,
        verifying_key: str | None = None,
        scheme: str = "Bearer",
        header: str | None = None,
        realm: str = DEFAULT_REALM,
    ) -> None:
        super().__init__(scheme, header, realm)
        self.audience = audience
        self.issuer = issuer
        self.leeway = leeway
        self.algorithm = algorithm
        self.verifying_key = verifying_key
        self._claims_hook: Callable[..., Any] | None = None

    def verify_token(self, func: F) -> F:
        """Register ``func(claims) -> user | None``, called with verified claims only."""
        self._claims_hook = func
        return func

    def keys(self) -> JWTKeys:
        """Return the algorithm and keys to verify with (settings, unless given here)."""
        key = self.verifying_key
        return JWTKeys(self.algorithm, "" if key else None, key)

    def claims(self, token: str) -> dict[str, Any] | None:
        """Return the verified claims of *token*, or None when it is refused."""
        try:
            return decode_jwt(
                token,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                keys=self.keys(),
            )
        except JWTError:
            return None

    async def authenticate(self, request: HTTPConnection) -> Any:
        """Return the user of a valid token (the claims without a verify function), or None."""
        token = self.token(request)
        if token is None:
            return None
        claims = self.claims(token)
        if claims is None:
            return None
        if self._claims_hook is None:
            return claims
        return await call_hook(self._claims_hook, claims)

    def security_schemes(self) -> list[tuple[str, dict[str, Any]]]:
        """Describe a bearer scheme whose tokens are JWTs."""
        if self.header is not None:
            return super().security_schemes()
        return [("jwtAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})]


@register("security")
def check_jwt_settings(app_configs: Any = None) -> list[CheckMessage]:
    """Report a JWT_ALGORITHM that is unknown, lacks its key, or has an unusable key."""
    from framework.conf import settings

    keyless = not settings.JWT_SIGNING_KEY and not settings.JWT_VERIFYING_KEY
    if keyless and str(settings.JWT_ALGORITHM) in HMAC_ALGORITHMS:
        return []  # the default: SECRET_KEY, which other checks look after
    try:
        JWTKeys()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), "See the JWT_* settings in the authentication guide.", "auth.E010")]
    except ValueError as exc:  # a PEM the cryptography library cannot read
        return [Error(f"JWT_SIGNING_KEY is not a usable private key: {exc}", None, "auth.E011")]
    return []
