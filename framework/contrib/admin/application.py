"""The admin as an ASGI app: sqladmin's ``Admin``, built from the registrations, mounted.

:func:`build_admin` imports every installed app's ``admin.py``, turns each registration of
an installed model into a view (:func:`.mapping.make_view`) and adds it to a
:class:`SiteAdmin` — sqladmin's ``Admin`` with the framework's login, templates (CSRF token,
POST logout, an index of the models and recent changes), and a POST route per action.

:class:`AdminApp` is what ``ADMIN_URL`` mounts. Around each request it gives sqladmin the
session the project's ``SessionMiddleware`` keeps, opens the database scope the framework's
own routes get (``request.db``, CRUD helpers, ``transaction()``), and remembers the request
for the forms' CSRF field. sqladmin reads through its own short sessions, routed by alias
like every session of the framework (and bound to the test database in tests), each read
outside a transaction (:mod:`.reads`): a page takes no lock a writer waits for.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from sqladmin import Admin
from sqladmin.authentication import login_required
from sqladmin.flash import flash
from sqladmin.helpers import slugify_class_name
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from framework.contrib.admin.authentication import AdminAuthentication
from framework.contrib.admin.forms import done_serving, serving
from framework.contrib.admin.mapping import make_view
from framework.contrib.admin.options import admin_user
from framework.contrib.admin.reads import session_maker
from framework.contrib.admin.sites import AdminSite
from framework.contrib.admin.views import AdminView

__all__ = ["AdminApp", "SiteAdmin", "build_admin"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = Path(__file__).resolve().parent / "assets"
#: Most rows one action may be asked to run on (a list page shows at most 100).
MAX_ACTION_ROWS = 1000
RECENT_ACTIONS = 10


class SiteAdmin(Admin):
    """sqladmin's ``Admin`` with the framework's login, templates and action routes."""

    def __init__(self, site: AdminSite, base_url: str, template_dirs: list[Path]) -> None:
        self.template_dirs = [*template_dirs, TEMPLATES]
        super().__init__(
            Starlette(),  # sqladmin mounts itself here; the project mounts self.admin instead
            session_maker=session_maker(),
            base_url=base_url,
            title=site.site_header,
        )
        self.authentication_backend = AdminAuthentication(self.templates)
        assets = Mount("/assets", app=StaticFiles(directory=ASSETS), name="assets")
        self.admin.router.routes.insert(0, assets)
        for route in self.admin.router.routes:
            if isinstance(route, Route) and route.name == "logout":
                route.methods = {"GET", "HEAD", "POST"}

    def init_templating_engine(self) -> Any:
        """Return sqladmin's templates, the project's and the framework's overrides first."""
        from jinja2 import ChoiceLoader, FileSystemLoader, pass_context

        from framework.auth.csrf import csrf_input, get_csrf_token
        from framework.conf import settings

        templates = super().init_templating_engine()
        loaders = [FileSystemLoader(self.template_dirs), templates.env.loader]
        templates.env.loader = ChoiceLoader([loader for loader in loaders if loader is not None])
        templates.env.globals["csrf_input"] = pass_context(
            lambda context: csrf_input(context["request"], settings.CSRF_FIELD_NAME)
        )
        templates.env.globals["csrf_token"] = pass_context(
            lambda context: get_csrf_token(context["request"])
        )
        templates.env.globals["admin_user"] = admin_user
        templates.env.globals["csrf_field"] = settings.CSRF_FIELD_NAME
        templates.env.globals["csrf_header"] = settings.CSRF_HEADER_NAME
        return templates

    def add_model_admin(self, view_class: type[AdminView]) -> None:
        """Add a generated view, with a POST route for each of its actions."""
        self.add_view(view_class)
        view = self.views[-1]
        assert isinstance(view, AdminView)
        for slug, (spec, _) in view._actions.items():
            view._custom_actions_in_list[slug] = spec.description
            if spec.confirmation:
                view._custom_actions_confirmation[slug] = spec.confirmation
            self.admin.add_route(
                f"/{view.identity}/action/{slug}",
                _action_endpoint(view, slug),
                methods=["POST"],
                name=f"action-{view.identity}-{slug}",
                include_in_schema=False,
            )

    @login_required
    async def index(self, request: Request) -> Response:
        """Show the models the user may see, by app, and the user's latest changes."""
        sections: dict[str, list[Any]] = {}
        for view in self.views:
            if isinstance(view, AdminView) and view.is_accessible(request):
                sections.setdefault(view.category or "", []).append(view)
        context = {"sections": sections, "recent": await self._recent(request)}
        response: Response = await self.templates.TemplateResponse(
            request, "sqladmin/index.html", context
        )
        return response

    async def _recent(self, request: Request) -> list[Any]:
        from framework.contrib.admin.models import LogEntry

        user = admin_user(request)
        stmt = (
            select(LogEntry)
            .where(LogEntry.user_id == getattr(user, "id", None))
            .order_by(LogEntry.action_time.desc(), LogEntry.id.desc())
            .limit(RECENT_ACTIONS)
        )
        async with self.session_maker() as session:
            return list((await session.execute(stmt)).scalars().all())


def _action_endpoint(view: AdminView, slug: str) -> Any:
    """Return the endpoint of action *slug*: logged in, permitted, rows from the POST body."""

    async def run(view: AdminView, request: Request) -> Response:
        if not view.is_accessible(request) or not view.has_permission(request, f"action:{slug}"):
            raise HTTPException(403, "You may not run this action.")
        form = await request.form()
        raw = form.get("pks")
        pks = [pk for pk in raw.split(",") if pk] if isinstance(raw, str) else []
        if len(pks) > MAX_ACTION_ROWS:
            raise HTTPException(400, f"An action runs on at most {MAX_ACTION_ROWS} rows.")
        back = str(request.url_for("admin:list", identity=view.identity))
        if not pks:
            _flash(request, "Select the rows to run the action on.", "warning")
            return RedirectResponse(back, status_code=303)
        result, count = await view.run_action(request, slug, pks)
        if isinstance(result, Response):
            return result
        spec, _ = view._actions[slug]
        _flash(request, f"{spec.description}: done on {count} of {len(pks)} selected.", "success")
        return RedirectResponse(back, status_code=303)

    guarded = login_required(run)

    async def endpoint(request: Request) -> Response:
        response: Response = await guarded(view, request)
        return response

    return endpoint


def _flash(request: Request, message: str, category: str) -> None:
    flash(request, message, category=category)
    # Reassigned so the session records the change (sqladmin appends to the stored list).
    request.session["_messages"] = list(request.session["_messages"])


def build_admin(site: AdminSite, base_url: str) -> SiteAdmin:
    """Return the admin of the installed apps' registered models, served at *base_url*."""
    from framework.apps import apps
    from framework.conf import settings

    for config in apps.get_app_configs():
        config.import_module("admin")
    installed = apps.app_configs
    entries = [
        (model, admin_class)
        for model, admin_class in site.registry().items()
        if getattr(model, "__app_label__", None) in installed
    ]
    slugs = Counter(slugify_class_name(model.__name__) for model, _ in entries)
    base = Path(settings.BASE_DIR or ".")
    admin = SiteAdmin(site, base_url, [base / folder for folder in settings.TEMPLATES_DIRS])
    for model, admin_class in entries:
        label = str(getattr(model, "__app_label__", ""))
        slug = slugify_class_name(model.__name__)
        identity = slug if slugs[slug] == 1 else f"{label}-{slug}"
        config = installed[label]
        category = config.verbose_name or label.replace("_", " ").capitalize()
        admin.add_model_admin(make_view(model, admin_class, identity=identity, category=category))
    return admin


class AdminApp:
    """The ASGI app mounted at ADMIN_URL: the built admin, with the request's context."""

    def __init__(self, site: AdminSite, base_url: str) -> None:
        self.site_admin = build_admin(site, base_url)
        self.app = self.site_admin.admin

    @property
    def routes(self) -> list[BaseRoute]:
        """Return the admin's routes (``url_for("admin:list", identity=...)`` finds them)."""
        return list(self.app.routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from framework.db import request_scope

        state: Any = scope.get("session")
        if hasattr(state, "load"):  # the project's lazy session: sqladmin wants the dict
            scope["session"] = state.load()
        token = serving(Request(scope, receive))
        try:
            async with request_scope(atomic=False):
                await self.app(scope, receive, send)
        finally:
            done_serving(token)
