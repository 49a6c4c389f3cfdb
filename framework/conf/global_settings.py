"""Framework defaults: the lowest layer of settings, secure unless a project relaxes them.

Every key here is a setting the framework reads. A project's settings module overrides them;
``.env`` and the OS environment override the module, cast to the type of the value below.
"""

from __future__ import annotations

# -- core -------------------------------------------------------------------------------------

#: Development conveniences (debug pages, auto-reload) are never on unless asked for.
DEBUG = False
#: Signs sessions and tokens. ``startproject`` writes a fresh one into the project's ``.env``;
#: with DEBUG off the server refuses to start without a strong one.
SECRET_KEY = ""
#: Former SECRET_KEYs, newest first: still accepted when verifying what they signed
#: (sessions and the CSRF secret in them, remember-me cookies, session hashes, Digest nonces,
#: password-reset links, JWTs), never used to sign, so a key rotation logs nobody out. Move
#: the old key here when you rotate SECRET_KEY; drop it once what it signed has expired.
SECRET_KEY_FALLBACKS: list[str] = []
#: Host headers the server answers to; always checked (a bad Host gets a 400).
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
#: Apps of the project, in order: module paths or ``AppConfig`` subclass paths.
INSTALLED_APPS: list[str] = []
#: Root of the project; derived from the settings module when not set.
BASE_DIR = None
#: ``"package.module:attribute"`` of the ASGI application; derived from the settings module
#: (``<project>.asgi:app``) when empty.
ASGI_APPLICATION = ""
#: The project's own controllers module: project-wide ``@error_handler`` functions,
#: ``@before_request``/``@after_request`` hooks and routes. Empty: ``<project>.controllers``
#: beside the settings module, when it exists.
ROOT_CONTROLLERS = ""

# -- web ----------------------------------------------------------------------------------------

#: Middleware as import strings (or ``(string, {options})`` pairs), outermost first. Each
#: reads its settings once; one whose settings turn it off (no CORS origins, no SSL
#: redirect, no SECRET_KEY for sessions) is left out of the stack.
MIDDLEWARE: list[str] = [
    "framework.web.middleware.TrustedHostMiddleware",
    "framework.web.middleware.HTTPSRedirectMiddleware",
    "framework.web.middleware.SecurityHeadersMiddleware",
    "framework.web.middleware.CORSMiddleware",
    "framework.web.middleware.SessionMiddleware",
    "framework.auth.CSRFMiddleware",
]
#: Largest request body in bytes (413 above it); 0 disables the limit. Routes may override
#: it with ``max_body_size=``.
MAX_BODY_SIZE = 10 * 1024 * 1024
#: Largest total size of a request's headers in bytes (each header counts its name, its value
#: and 4 bytes for ": " and the line end); over it HTTP requests and WebSocket handshakes get
#: 431, whatever the server. 0 disables the limit.
MAX_HEADER_SIZE = 64 * 1024
#: Most fields in a form (urlencoded or multipart) and in a query string (400 above).
FORM_MAX_FIELDS = 1000
QUERY_MAX_FIELDS = 1000
#: Most files in a multipart form (400 above).
FORM_MAX_FILES = 100
#: Largest non-file part of a form, in bytes (400 above).
FORM_MAX_PART_SIZE = 1024 * 1024
#: Headers added to every response that does not set them; an empty value drops one.
SECURE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: Responses of at least this many bytes are gzipped by GZipMiddleware (when installed).
GZIP_MIN_SIZE = 500
#: Threads for plain (non-async) background functions, and how long shutdown waits for
#: running tasks, in seconds.
BACKGROUND_WORKERS = 4
BACKGROUND_DRAIN = 30

# -- CORS (off until origins are listed; Dyne's cors_params, one setting each) ------------------

CORS_ALLOW_ORIGINS: list[str] = []
CORS_ALLOW_ORIGIN_REGEX = ""
CORS_ALLOW_METHODS = ["GET"]
CORS_ALLOW_HEADERS: list[str] = []
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS: list[str] = []
CORS_MAX_AGE = 60

# -- sessions (signed cookies; SESSION_COOKIE_SECURE is with the HTTPS settings) ----------------

SESSION_COOKIE_NAME = "session"
#: Seconds a session lasts after its last change; 0 makes it a browser-session cookie.
SESSION_COOKIE_AGE = 14 * 24 * 60 * 60
SESSION_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = ""
SESSION_COOKIE_SAMESITE = "lax"
SESSION_COOKIE_HTTPONLY = True

# -- real time ----------------------------------------------------------------------------------

#: Largest WebSocket message in bytes (the socket closes with 1009 above it); 0 = no limit.
WEBSOCKET_MAX_MESSAGE_SIZE = 1024 * 1024
#: Refuse (403) WebSocket handshakes that carry cookies from another site's page.
WEBSOCKET_CHECK_ORIGIN = True
#: Other origins allowed to open WebSockets with cookies (``"https://app.example.com"``).
WEBSOCKET_ALLOWED_ORIGINS: list[str] = []
#: Seconds of silence before a Server-Sent Events stream sends a keep-alive comment; 0 = never.
SSE_KEEPALIVE = 15
#: Where ``broadcast.publish`` sends messages: ``memory`` (this process only), ``redis``
#: (LOCATION a URL; OPTIONS ``history`` keeps that many events per channel for
#: ``Last-Event-ID``) or ``postgres`` (LISTEN/NOTIFY; OPTIONS ``database`` names the alias).
#: OPTIONS ``max_queue``: events waiting for one subscriber before it is disconnected.
BROADCAST: dict[str, object] = {"BACKEND": "memory"}

# -- database -----------------------------------------------------------------------------------

#: Fills ``DATABASES["default"]`` when set, e.g. ``postgresql+asyncpg://user:pass@host/db``.
DATABASE_URL = ""
#: Alias → URL (or ``{"URL": ..., "OPTIONS": {...}}``). Relative SQLite paths are relative to
#: BASE_DIR.
DATABASES = {"default": "sqlite+aiosqlite:///db.sqlite3"}
#: Wrap each request in one transaction.
ATOMIC_REQUESTS = False

# -- caches, rate limits, shared security state ------------------------------------------------

#: Alias → options. BACKEND: ``locmem`` (this process's memory: the zero-setup default),
#: ``redis`` (LOCATION ``redis://host:6379/0``; shared by every process and host),
#: ``database`` (a table of ``framework.contrib.cache`` on the default database), ``dummy``
#: (keeps nothing), or a dotted path. Also TIMEOUT (seconds, None = forever), KEY_PREFIX,
#: VERSION and OPTIONS.
CACHES: dict[str, dict[str, object]] = {"default": {"BACKEND": "locmem"}}
#: The cache alias where ``@ratelimit`` and LOGIN_THROTTLE count. With several processes or
#: hosts it must be a shared one (redis, database), or each process counts on its own.
RATELIMIT_CACHE = "default"
#: Addresses of the reverse proxies in front of the app (IPs or CIDR networks). Only a
#: request from one of them has its client address taken from ``X-Forwarded-For``.
TRUSTED_PROXIES: list[str] = []
#: Login attempts allowed per client IP and per username on every login path (form and JSON
#: login, Basic, Digest, token issue), e.g. ``"5/minute"``; over it, 429 with Retry-After.
#: An empty value turns throttling off. When the cache is down, logins are refused (503).
LOGIN_THROTTLE = "5/minute"

# -- tasks ----------------------------------------------------------------------------------------

#: Task backends by alias: ``{"BACKEND": name or dotted path, "OPTIONS": {...}}``. Built-ins:
#: ``inprocess`` (jobs in the memory of the process that enqueued them: zero setup, not
#: durable), ``immediate`` (run at enqueue: tests) and ``procrastinate`` (durable jobs in
#: PostgreSQL, ``pip install "framework[tasks]"``; OPTIONS ``database``: the alias, default
#: ``"default"``).
TASKS: dict[str, dict[str, object]] = {"default": {"BACKEND": "inprocess"}}

# -- templates and static files -----------------------------------------------------------------

#: Project template folders (relative to BASE_DIR), searched before the apps' templates/.
TEMPLATES_DIRS: list[str] = []
#: An undefined template variable raises an error instead of rendering as empty text.
TEMPLATES_STRICT = False
STATIC_URL = "/static/"
#: Where ``collectstatic`` copies the static files for production.
STATIC_ROOT = ""
#: Project static folders (relative to BASE_DIR), searched before the apps' static/.
STATICFILES_DIRS: list[str] = []
#: Serve static files from the app: None = only in DEBUG (from the source folders); True =
#: also in production (from STATIC_ROOT); False = never (a web server does it).
SERVE_STATIC = None

# -- validation and uploads ---------------------------------------------------------------------

#: Most errors a 422 answer lists (the detail says how many there were); 0 lists them all.
VALIDATION_MAX_ERRORS = 1000
#: Folder where ``File.save()`` stores uploads under generated names (relative to BASE_DIR).
MEDIA_ROOT = "media"
#: URL prefix of the files of the filesystem storage (served by the app in DEBUG only).
MEDIA_URL = "/media/"
#: Alias → storage. ``filesystem`` (OPTIONS ``location``, default MEDIA_ROOT; ``base_url``,
#: default MEDIA_URL) or ``s3`` (OPTIONS ``endpoint_url``, ``bucket``, ``access_key``,
#: ``secret_key``, ``region``, ``prefix``, ``public_url``, ``url_expires``), or a dotted path.
STORAGES: dict[str, dict[str, object]] = {"default": {"BACKEND": "filesystem", "OPTIONS": {}}}

# -- API documentation (OpenAPI 3.1; served by the ``framework.openapi`` app) ------------------

#: Serve the OpenAPI document and the documentation pages at all.
OPENAPI_ENABLED = True
#: ``info`` of the document: title, version of the API (not of the framework), description
#: (Markdown). OPENAPI_INFO adds other ``info`` fields (``contact``, ``license``,
#: ``termsOfService``).
OPENAPI_TITLE = "API"
OPENAPI_VERSION = "0.1.0"
OPENAPI_DESCRIPTION = ""
OPENAPI_INFO: dict[str, object] = {}
#: ``servers`` of the document, e.g. ``[{"url": "https://api.example.com"}]``.
OPENAPI_SERVERS: list[dict[str, str]] = []
#: Version of the OpenAPI specification the document follows: "3.1" (JSON Schema 2020-12),
#: or "3.0" (3.0.3) for generators and gateways that read only 3.0.
OPENAPI_SPEC_VERSION = "3.1"
#: Where each part is served; an empty string turns that part off.
OPENAPI_URL = "/openapi.json"
OPENAPI_YAML_URL = "/openapi.yaml"
OPENAPI_DOCS_URL = "/docs"
OPENAPI_REDOC_URL = "/redoc"
OPENAPI_RAPIDOC_URL = "/rapidoc"
#: Stoplight Elements needs ``pip install framework[elements]`` (its files come in a wheel).
OPENAPI_ELEMENTS_URL = ""

# -- passwords ----------------------------------------------------------------------------------

#: passlib schemes; the first hashes new passwords, the others are verified and upgraded.
PASSWORD_SCHEMES = ["argon2", "bcrypt", "pbkdf2_sha256"]
#: Options per scheme, as passlib names them: ``{"argon2": {"memory_cost": 65536}}``. A hash
#: made with weaker options than these is upgraded at the next successful login.
PASSWORD_SCHEME_OPTIONS: dict[str, dict[str, object]] = {}
#: Longest password accepted, in bytes (longer ones are refused before hashing). passlib
#: hashes at most 4096 bytes, so that is also the ceiling (and what 0 means).
PASSWORD_MAX_LENGTH = 4096
#: Rules new passwords must follow (``createsuperuser``, ``changepassword``, ``users create``).
PASSWORD_VALIDATORS: list[dict[str, object]] = [
    {"NAME": "framework.auth.validators.UserAttributeSimilarityValidator"},
    {"NAME": "framework.auth.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "framework.auth.validators.CommonPasswordValidator"},
    {"NAME": "framework.auth.validators.NumericPasswordValidator"},
]

# -- authentication -----------------------------------------------------------------------------

#: Where ``@login_required`` sends browsers that are not logged in (with ``?next=<path>``).
LOGIN_URL = "/login"
#: Where a login goes when no (safe) ``next`` is given, and where logout goes.
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login"
#: The ``LoginManager`` that ``framework.auth.login_required`` uses (``"module:attribute"``).
LOGIN_MANAGER = "framework.contrib.auth.login:login_manager"
#: The "remember me" cookie: signed, HttpOnly, SameSite=Lax, Secure unless DEBUG.
REMEMBER_COOKIE_NAME = "remember_token"
REMEMBER_COOKIE_DURATION = 30 * 24 * 60 * 60
#: CSRF: the form field and header that carry the token, and other origins (with scheme,
#: ``"https://app.example.com"``) allowed to send unsafe requests with the session cookie.
CSRF_FIELD_NAME = "csrf_token"
CSRF_HEADER_NAME = "X-CSRF-Token"
CSRF_TRUSTED_ORIGINS: list[str] = []
#: Seconds a password reset link stays valid (it also stops working once used).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
#: The site's public address (``https://example.com``) for absolute links in mail, such as
#: password resets; empty = the address of the request (its Host, checked by ALLOWED_HOSTS).
SITE_URL = ""

# -- admin (served by the ``framework.contrib.admin`` app; needs ``framework[admin]``) ---------

#: Where the admin is served. ``check --deploy`` warns while it is the guessable default.
ADMIN_URL = "/admin/"
#: The role that lets a user into the admin (a name, or a list: any of them); superusers
#: always may enter. Per-model permissions are the ModelAdmin's ``*_roles`` attributes.
ADMIN_ROLE = "staff"

# -- HTTPS and cookies --------------------------------------------------------------------------

#: ``Strict-Transport-Security`` max-age in seconds; 0 sends no header.
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
#: Redirect plain-HTTP requests to HTTPS.
SECURE_SSL_REDIRECT = False
#: Mark the session cookie ``Secure``; None means "unless DEBUG".
SESSION_COOKIE_SECURE = None

# -- mail (framework.mail) ----------------------------------------------------------------------

#: Where mail goes: ``smtp``, ``console`` (printed), ``file`` (``.eml`` files in
#: EMAIL_FILE_PATH), ``locmem`` (``framework.testing.mail.outbox``), ``dummy`` (dropped), or a
#: dotted path to a backend class. Tests run with ``locmem`` (the pytest plugin sets it).
EMAIL_BACKEND = "smtp"
#: The SMTP server, and the login it takes (no AUTH when EMAIL_HOST_USER is empty).
EMAIL_HOST = "localhost"
EMAIL_PORT = 25
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""
#: STARTTLS on a plain port (usually 587), or TLS from the first byte (usually 465); one only.
#: Server certificates are always verified; EMAIL_SSL_CAFILE adds a CA bundle to trust, and
#: EMAIL_SSL_CERTFILE/EMAIL_SSL_KEYFILE present a client certificate.
EMAIL_USE_TLS = False
EMAIL_USE_SSL = False
EMAIL_SSL_CAFILE = ""
EMAIL_SSL_CERTFILE = ""
EMAIL_SSL_KEYFILE = ""
#: Seconds to wait for the mail server (connecting and each command); 0 waits forever.
EMAIL_TIMEOUT = 10
#: The sender of mail that names none (``from_email=None``).
DEFAULT_FROM_EMAIL = "webmaster@localhost"
#: Folder of the ``file`` backend (relative to BASE_DIR).
EMAIL_FILE_PATH = ""

# -- logging (framework.logging) ----------------------------------------------------------------

#: Level of the root logger: DEBUG, INFO, WARNING, ERROR or CRITICAL.
LOG_LEVEL = "INFO"
#: ``text`` (one readable line per record) or ``json`` (one JSON object per line).
LOG_FORMAT = "text"
#: A ``logging.config.dictConfig`` dictionary merged over the framework's defaults: its
#: formatters, filters, handlers and loggers are added or replace those of the same name;
#: ``root`` replaces the default root. Every handler masks secrets and adds the request id.
LOGGING: dict[str, object] = {}

# -- JSON Web Tokens (framework.auth.JWTAuth, create_jwt, decode_jwt; needs framework[jwt]) ------

#: HS256/HS384/HS512 sign with JWT_SIGNING_KEY or, when it is empty, SECRET_KEY (verified with
#: SECRET_KEY_FALLBACKS too); RS256, ES256, PS256, EdDSA… sign with the private key in
#: JWT_SIGNING_KEY and verify with the public key in JWT_VERIFYING_KEY (PEM text, or a path
#: relative to BASE_DIR; a service that only verifies needs only the public key). Tokens of
#: any other algorithm, ``none`` included, are refused.
JWT_ALGORITHM = "HS256"
JWT_SIGNING_KEY = ""
JWT_VERIFYING_KEY = ""
#: Seconds a new token is valid (its ``exp``).
JWT_LIFETIME = 3600
#: ``aud`` and ``iss`` put in new tokens and required of incoming ones, when set.
JWT_AUDIENCE = ""
JWT_ISSUER = ""
#: Seconds of clock difference tolerated when checking ``exp``, ``nbf`` and ``iat``.
JWT_LEEWAY = 0

# -- GraphQL (the ``framework.graphql`` app; needs framework[graphql] or framework[graphene]) ----

#: Where the endpoint answers: GET and POST queries, and subscriptions over WebSocket.
GRAPHQL_URL = "/graphql"
#: ``"package.module:schema"`` of a Strawberry or Graphene schema to serve instead of the one
#: merged from the apps' ``graphql.py`` modules (their ``Query``, ``Mutation``, ``Subscription``).
GRAPHQL_SCHEMA = ""
#: Serve the GraphiQL page (offline, from the package) to browsers; None means "when DEBUG".
GRAPHQL_IDE = None
#: Answer introspection queries (``__schema``, ``__type``); None means "when DEBUG".
GRAPHQL_INTROSPECTION = None
#: Deepest nesting of fields a query may select (fragments followed); 0 = no limit.
GRAPHQL_MAX_DEPTH = 10
#: Most aliases one query may use (each alias can run a resolver again); 0 = no limit.
GRAPHQL_MAX_ALIASES = 30
#: Most fields one query may select, counting a fragment each time it is spread (a list
#: counts once, whatever its length); 0 = no limit.
GRAPHQL_MAX_COST = 1000
#: Backends tried, in order, for ``info.context.user`` when the request carries their
#: credentials (``"module:attribute"`` of an ``AuthBackend`` such as ``UserTokenAuth()``);
#: the session login of LOGIN_MANAGER is always tried last.
GRAPHQL_AUTHENTICATION: list[str] = []
#: Accept file uploads (the GraphQL multipart request spec) in ``multipart/form-data`` POSTs.
GRAPHQL_MULTIPART_UPLOADS = False
