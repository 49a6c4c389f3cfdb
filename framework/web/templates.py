"""Jinja2 templates: ``render(request, "blog/index.html", {...})`` with autoescaping on.

Templates are looked up in the project's TEMPLATES_DIRS (relative to BASE_DIR), then in
each installed app's ``templates/`` folder in INSTALLED_APPS order; the first match wins, so
a project overrides an app's template by putting one at the same name. Namespace app
templates by the app label (``blog/templates/blog/index.html``).

Every template sees ``request``, ``url_for(name, **params)`` (a path) and ``static(path)``
(a URL under STATIC_URL; the content-hashed name from the ``collectstatic --manifest``
manifest when there is one and DEBUG is off), plus the globals other layers add with
:func:`add_template_global` (``csrf_input()`` from ``framework.auth``). Customise the
environment through ``app.templates.env``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from framework.exceptions import ImproperlyConfigured
from framework.web.responses import HTMLResponse, StreamingResponse

if TYPE_CHECKING:
    import jinja2

    from framework.web.requests import Request

__all__ = [
    "Templates",
    "add_template_global",
    "project_templates",
    "render",
    "render_stream",
    "static_url",
]

# Globals added by higher layers (``framework.auth`` adds ``csrf_input``); the web layer
# cannot import them, so they register themselves here.
_extra_globals: dict[str, Any] = {}
#: Names of the globals above that take the template context (``jinja2.pass_context``).
_context_globals: set[str] = set()
_environments: weakref.WeakSet[Any] = weakref.WeakSet()


def add_template_global(name: str, value: Any, *, pass_context: bool = False) -> None:
    """Make *value* available as *name* in every template, including already built ones.

    With ``pass_context=True`` the value is called with the template context first, as
    ``jinja2.pass_context`` makes it; it is wrapped when an environment takes it, so that
    registering a global never imports Jinja2 in a process that renders no template.
    """
    _extra_globals[name] = value
    if pass_context:
        _context_globals.add(name)
    else:
        _context_globals.discard(name)
    for env in _environments:
        env.globals[name] = _for_jinja(name, value)


def _for_jinja(name: str, value: Any) -> Any:
    if name not in _context_globals:
        return value
    import jinja2

    return jinja2.pass_context(value)


def static_url(static_prefix: str, path: str) -> str:
    """Return the URL of static file *path* under *static_prefix* (``/static/blog/app.css``)."""
    return static_prefix.rstrip("/") + "/" + quote(path.lstrip("/"))


class Templates:
    """A Jinja2 environment over the project's and apps' template folders, built on first use."""

    def __init__(
        self,
        directories: Sequence[Path | str],
        *,
        url_for: Callable[..., str] | None = None,
        static_prefix: str = "/static/",
        auto_reload: bool = False,
        strict: bool = False,
        static_names: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        self.directories = [Path(directory) for directory in directories]
        self.url_for = url_for
        self.static_prefix = static_prefix
        #: Returns the manifest (original → hashed static name) in force, if any.
        self.static_names = static_names
        self.auto_reload = auto_reload
        #: An undefined variable is an error instead of empty text (TEMPLATES_STRICT).
        self.strict = strict
        self._env: jinja2.Environment | None = None

    @property
    def env(self) -> jinja2.Environment:
        """Return the Jinja2 environment (autoescape on), creating it on first use."""
        if self._env is None:
            import jinja2

            loader = jinja2.FileSystemLoader([str(path) for path in self.directories])
            undefined = jinja2.StrictUndefined if self.strict else jinja2.Undefined
            env = jinja2.Environment(
                loader=loader, autoescape=True, auto_reload=self.auto_reload, undefined=undefined
            )
            env.globals["static"] = self.static
            if self.url_for is not None:
                env.globals["url_for"] = self.url_for
            env.globals.update(
                {key: _for_jinja(key, value) for key, value in _extra_globals.items()}
            )
            _environments.add(env)
            self._env = env
        return self._env

    def static(self, path: str) -> str:
        """Return the URL of static file *path*, hashed when the manifest lists it."""
        names = self.static_names() if self.static_names is not None else {}
        return static_url(self.static_prefix, names.get(path.lstrip("/"), path))

    def get_template(self, name: str) -> jinja2.Template:
        """Return template *name*; a missing one names the folders searched."""
        import jinja2

        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            if exc.name != name:  # an include or extends inside the template is missing
                raise
            folders = ", ".join(str(path) for path in self.directories) or "(none)"
            raise jinja2.TemplateNotFound(
                name,
                message=f"Template {name!r} was not found; searched: {folders}. Put it in an "
                "app's templates/ folder or a folder listed in TEMPLATES_DIRS.",
            ) from None

    def render_to_string(self, name: str, context: Mapping[str, Any] | None = None) -> str:
        """Render template *name* with *context* and return the text."""
        return self.get_template(name).render(dict(context or {}))

    def response(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        """Render template *name* for *request* as an HTML response."""
        text = self.render_to_string(name, {"request": request, **(context or {})})
        return HTMLResponse(text, status_code=status_code, headers=headers)


def project_templates(settings: Any, *, debug: bool, url_for: Callable[..., str]) -> Templates:
    """Return the templates of an App: TEMPLATES_DIRS, then each installed app's templates/.

    ``static()`` gives hashed names from STATIC_ROOT's manifest, unless DEBUG is on; with
    TEMPLATES_STRICT an undefined variable is an error.
    """
    from framework.apps import apps
    from framework.web.manifest import load_manifest

    base = Path(settings.BASE_DIR or ".")
    dirs = [base / directory for directory in settings.TEMPLATES_DIRS]
    configs = apps.get_app_configs() if apps.configs_ready else []
    dirs += [path for path in (config.templates_dir for config in configs) if path]

    def static_names() -> Mapping[str, str]:
        if debug or not settings.STATIC_ROOT:
            return {}
        return load_manifest(base / settings.STATIC_ROOT)

    return Templates(
        dirs,
        url_for=url_for,
        static_prefix=settings.STATIC_URL,
        auto_reload=debug,
        strict=bool(settings.get("TEMPLATES_STRICT", False)),
        static_names=static_names,
    )


def render_stream(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> StreamingResponse:
    """Send *template* as it renders (Jinja's ``generate()``): the first bytes leave early.

    For long pages; the page is rendered piece by piece in a worker thread while it is
    sent, so an error half-way cuts the page short (it cannot become an error page).
    """
    templates = _templates_of(request)
    compiled = templates.get_template(template)  # a missing template is still a clean error
    pieces = compiled.generate({"request": request, **(context or {})})
    return StreamingResponse(
        pieces, status_code=status_code, headers=headers, media_type="text/html; charset=utf-8"
    )


def _templates_of(request: Request) -> Templates:
    templates = getattr(request.app, "templates", None)
    if not isinstance(templates, Templates):
        raise ImproperlyConfigured(
            "render() needs the framework's App (it owns the template folders); the request "
            f"belongs to {type(request.app).__name__}."
        )
    return templates


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render *template* with *context* (plus ``request``, ``url_for``, ``static``) as HTML."""
    templates = _templates_of(request)
    return templates.response(request, template, context, status_code=status_code, headers=headers)
