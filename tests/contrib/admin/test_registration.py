"""Registering models: Django's options checked against the model and mapped onto sqladmin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from framework.contrib.admin import (
    AdminSite,
    AlreadyRegistered,
    ModelAdmin,
    NotRegistered,
    action,
    register,
    site,
)
from framework.exceptions import ImproperlyConfigured

pytestmark = pytest.mark.usefixtures("adminproject")


def models() -> Any:
    from tests.fixtures.adminproject import library

    return library.models


def view_of(admin_class: type[ModelAdmin]) -> Any:
    from framework.contrib.admin.mapping import make_view

    return make_view(models().Book, admin_class, identity="book", category="Library")


def refusal(admin_class: type[ModelAdmin]) -> str:
    with pytest.raises(ImproperlyConfigured) as refused:
        view_of(admin_class)
    return str(refused.value)


def test_registering_twice_names_both_admins_and_unregister_replaces() -> None:
    own = AdminSite()
    Book = models().Book

    @register(Book, site=own)
    class FirstAdmin(ModelAdmin):
        pass

    with pytest.raises(AlreadyRegistered) as twice:
        own.register(Book, ModelAdmin)
    assert str(twice.value) == (
        "tests.fixtures.adminproject.library.models.Book is registered with the admin twice: "
        f"by {__name__}.test_registering_twice_names_both_admins_and_unregister_replaces."
        "<locals>.FirstAdmin and by framework.contrib.admin.options.ModelAdmin. Call "
        "site.unregister(Book) before registering it again."
    )
    own.unregister(Book)
    own.register(Book)
    assert own.registry() == {Book: ModelAdmin}
    with pytest.raises(NotRegistered):
        own.unregister(models().Tag)


def test_only_model_classes_and_model_admins_register() -> None:
    with pytest.raises(ImproperlyConfigured, match="The admin registers model classes"):
        AdminSite().register(dict)
    with pytest.raises(ImproperlyConfigured, match="is not a ModelAdmin subclass"):
        AdminSite().register(models().Book, dict)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="@register needs at least one model"):
        register()


def test_django_options_become_sqladmin_options() -> None:
    class BookAdmin(ModelAdmin):
        list_display = ["id", "title", "author.name"]
        search_fields = ["=title", "^author.name"]
        list_filter = ["published", "author"]
        ordering = ["-year"]
        fields = ["title", "author", "year"]
        exclude = ["year"]
        readonly_fields = ["title"]
        list_per_page = 30
        column_labels = {"title": "Name of the book"}

    view = view_of(BookAdmin)
    assert view.column_list == ["id", "title", "author.name"]
    assert view.column_searchable_list == ["title", "author.name"]
    assert view._search == (("=", "title"), ("^", "author.name"))
    assert view.column_default_sort == [("year", True)]
    assert view.column_sortable_list == ["id", "title", "author.name"]
    assert view.form_columns == ["title", "author"]
    assert view._read_only == frozenset({"title"})
    assert (view.page_size, view.page_size_options) == (30, [10, 25, 30, 50, 100])
    assert [type(f).__name__ for f in view.column_filters] == ["BooleanFilter", "RelatedFilter"]
    assert view.column_labels["author.name"] == "Author name"
    assert view.column_labels["title"] == "Name of the book"
    assert view.category == "Library" and view.identity == "book"
    assert len(view._list_loads) == 1  # author, loaded with the page


def test_defaults_list_every_column_newest_first() -> None:
    view = view_of(ModelAdmin)
    assert view.column_list == ["id", "title", "year", "published", "created", "author_id"]
    assert view.column_default_sort == [("id", True)]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"list_display": ["titel"]},
            "BadAdmin.list_display names 'titel', which Book does not have. Did you mean 'title'?",
        ),
        (
            {"search_fields": ["author.nmae"]},
            "BadAdmin.search_fields names 'author.nmae', which Author does not have. Did you "
            "mean 'name'?",
        ),
        ({"ordering": ["-yaer"]}, "BadAdmin.ordering names 'yaer', which Book does not have."),
        ({"list_filter": ["author.name"]}, "BadAdmin.list_filter takes attributes of Book itself"),
        ({"fields": ["title", "body"]}, "BadAdmin.fields names 'body', which Book does not have."),
        (
            {"readonly_fields": ["password"], "sensitive_fields": ("password",)},
            "BadAdmin.readonly_fields names 'password', a sensitive field the admin never "
            "shows (see sensitive_fields).",
        ),
        ({"list_display": ["title"], "actions": ["nothing"]}, "BadAdmin.actions names 'nothing'"),
    ],
)
def test_a_wrong_name_is_refused_naming_the_option(options: dict[str, Any], message: str) -> None:
    assert refusal(type("BadAdmin", (ModelAdmin,), options)).startswith(message)


def test_a_sensitive_field_is_never_listed_shown_or_in_a_form() -> None:
    from framework.contrib.admin.mapping import make_view
    from framework.contrib.auth.models import User

    view = make_view(User, ModelAdmin, identity="user", category="Authentication")
    assert "password" not in view.column_list
    assert "password" not in view.column_details_list
    assert "password" in view.form_excluded_columns
    with pytest.raises(ImproperlyConfigured, match="a sensitive field"):
        make_view(
            User,
            type("Leaky", (ModelAdmin,), {"list_display": ["password"]}),
            identity="user",
            category="Authentication",
        )


def test_the_form_base_must_carry_the_csrf_token() -> None:
    from wtforms import Form

    bad = type("BadAdmin", (ModelAdmin,), {"form_base_class": Form})
    assert "must subclass framework.contrib.admin.forms.AdminForm" in refusal(bad)


def test_an_action_names_real_permissions() -> None:
    with pytest.raises(ValueError, match="names 'publish'; use some of"):

        @action(permissions=["publish"])
        async def publish(modeladmin: Any, request: Any, objects: list[Any]) -> None: ...


@pytest.fixture
def broken_tag_admin() -> Iterator[None]:
    """Register a broken ModelAdmin for Tag in the project's site for the test."""
    import tests.fixtures.adminproject.library.admin  # noqa: F401  (registers Tag)

    Tag = models().Tag
    original = site.registry()[Tag]
    site.unregister(Tag)
    site.register(Tag, type("TagAdmin", (ModelAdmin,), {"list_display": ["nmae"]}))
    try:
        yield
    finally:
        site.unregister(Tag)
        site.register(Tag, original)


def test_a_broken_registration_stops_the_server_from_starting(broken_tag_admin) -> None:
    from framework.web import get_asgi_application

    with pytest.raises(ImproperlyConfigured) as refused:
        get_asgi_application()
    assert str(refused.value) == (
        "TagAdmin.list_display names 'nmae', which Tag does not have. Did you mean 'name'?"
    )


def test_admin_url_decides_where_the_admin_is(settings) -> None:
    from framework.web import get_asgi_application

    settings.ADMIN_URL = "/backstage/"
    app = get_asgi_application()
    assert app.url_for("admin:index") == "/backstage/"
    assert app.url_for("admin:list", identity="book") == "/backstage/book/list"
    rows = [row for row in app.describe_routes() if row["kind"] == "mount"]
    assert [(row["path"], row["app"]) for row in rows] == [("/backstage/{path:path}", "admin")]
