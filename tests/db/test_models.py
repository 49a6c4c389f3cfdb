"""``Model``: table names, constraint names, each model's app and database alias."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from framework.apps import apps
from framework.db import Model, database_alias
from framework.db.models import snake_case
from framework.exceptions import AppRegistryNotReady, ImproperlyConfigured

pytestmark = pytest.mark.usefixtures("dbproject")


@pytest.mark.parametrize(
    ("name", "snake"),
    [
        ("Post", "post"),
        ("BlogPost", "blog_post"),
        ("HTTPLog", "http_log"),
        ("Item2Tag", "item2_tag"),
    ],
)
def test_snake_case(name: str, snake: str) -> None:
    assert snake_case(name) == snake


def test_default_table_name_is_app_label_and_snake_class(models: SimpleNamespace) -> None:
    m = models
    assert m.Product.__tablename__ == "catalog_product"
    assert m.Post.__table__.name == "blog_post"


def test_explicit_table_name_is_kept(models: SimpleNamespace) -> None:
    m = models
    assert m.LogEntry.__table__.name == "faulty_log"


def test_constraints_are_named_by_the_convention(models: SimpleNamespace) -> None:
    m = models
    names = {constraint.name for constraint in m.Product.__table__.constraints}
    assert names == {"pk_catalog_product", "fk_catalog_product_category_id_catalog_category"}
    assert {index.name for index in m.Product.__table__.indexes} == {
        "ix_catalog_product_category_id"
    }
    assert "uq_catalog_category_name" in {c.name for c in m.Category.__table__.constraints}


def test_each_model_knows_and_is_registered_with_its_app(models: SimpleNamespace) -> None:
    m = models
    assert m.Product.__app_label__ == "catalog"
    assert m.Visit.__app_label__ == "blog"
    assert apps.get_models("catalog") == [m.Category, m.Product]
    assert m.Event in apps.get_app_config("metrics").get_models()


def test_database_alias_comes_from_the_model_then_its_app(models: SimpleNamespace) -> None:
    m = models
    assert database_alias(m.Post) == "default"
    assert database_alias(m.Visit) == "analytics"  # __database__ on the model
    assert database_alias(m.Event) == "analytics"  # AppConfig.database of the metrics app


def test_model_outside_any_app_is_refused_with_the_fix() -> None:
    with pytest.raises(ImproperlyConfigured) as caught:

        class Stray(Model):
            id: Mapped[int] = mapped_column(primary_key=True)

    assert str(caught.value) == (
        f"Model {__name__}.test_model_outside_any_app_is_refused_with_the_fix.<locals>.Stray "
        "is not in an app listed in INSTALLED_APPS; add its app there, or set __app_label__ "
        "on the model."
    )


def test_model_with_an_explicit_app_label_needs_no_app() -> None:
    class Standalone(Model):
        __app_label__ = "standalone"

        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(10))

    assert Standalone.__table__.name == "standalone_standalone"
    Model.metadata.remove(Standalone.__table__)


def test_model_defined_before_the_apps_are_loaded_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(apps, "configs_ready", False)
    with pytest.raises(AppRegistryNotReady) as caught:

        class Early(Model):
            id: Mapped[int] = mapped_column(primary_key=True)

    assert str(caught.value).endswith(
        "was defined before the apps were loaded: call framework.setup() first, or set "
        "__app_label__ on the model."
    )


def test_repr_shows_the_primary_key(models: SimpleNamespace) -> None:
    m = models
    assert repr(m.Category(name="x")) == "<Category unsaved>"
