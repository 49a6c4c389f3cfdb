"""The app registry: phases, dependency order, labels, errors that name the app and module."""

from __future__ import annotations

import pytest

from framework.apps import AppConfig, apps
from framework.exceptions import AppRegistryNotReady, ImproperlyConfigured


def test_populate_orders_by_depends_on_and_keeps_the_rest(use_settings) -> None:
    use_settings("sites.basic")
    apps.populate()
    assert [config.label for config in apps.get_app_configs()] == ["beta_custom", "gamma", "alpha"]


def test_phases_run_in_order(use_settings) -> None:
    use_settings("sites.basic")
    apps.populate()
    from alpha.apps import EVENTS

    assert EVENTS == ["ready alpha (models imported: True)"]
    assert apps.ready and apps.models_ready and apps.configs_ready


def test_populate_is_idempotent(use_settings) -> None:
    use_settings("sites.basic")
    apps.populate()
    apps.populate()
    from alpha.apps import EVENTS

    assert len(EVENTS) == 1


def test_config_attributes(use_settings, fixture_path) -> None:
    use_settings("sites.basic")
    apps.populate()
    alpha = apps.get_app_config("alpha")
    assert type(alpha).__name__ == "AlphaConfig"
    assert (alpha.name, alpha.verbose_name, alpha.url_prefix) == ("alpha", "Alpha app", "/alpha")
    assert alpha.path == fixture_path / "alpha"
    gamma = apps.get_app_config("gamma")
    assert type(gamma) is AppConfig
    assert gamma.verbose_name == "Gamma"
    assert gamma.templates_dir == fixture_path / "gamma" / "templates"
    assert gamma.static_dir == fixture_path / "gamma" / "static"
    assert gamma.migrations_dir == fixture_path / "gamma" / "migrations"
    assert alpha.templates_dir is None
    beta = apps.get_app_config("beta_custom")
    assert beta.name == "beta"


def test_models_are_registered_per_app(use_settings) -> None:
    use_settings("sites.basic")
    apps.populate()
    from alpha.models import Widget

    assert apps.get_models() == [Widget]
    assert apps.get_app_config("alpha").get_models() == [Widget]
    assert apps.get_models("gamma") == []


def test_lookup_suggests_close_labels(use_settings) -> None:
    use_settings("sites.basic")
    apps.populate()
    with pytest.raises(LookupError) as info:
        apps.get_app_config("alhpa")
    assert str(info.value) == "No installed app with label 'alhpa'. Did you mean 'alpha'?"


def test_containing_app_and_is_installed(use_settings) -> None:
    use_settings("sites.basic")
    apps.populate()
    assert apps.get_containing_app_config("alpha.models").label == "alpha"
    assert apps.get_containing_app_config("alphabet") is None
    assert apps.is_installed("beta")
    assert not apps.is_installed("beta_custom")


def test_registry_not_ready() -> None:
    with pytest.raises(AppRegistryNotReady, match=r"call framework\.setup"):
        apps.get_app_configs()
    with pytest.raises(AppRegistryNotReady):
        apps.get_models()


def test_populate_configs_skips_models(use_settings) -> None:
    use_settings("sites.broken")
    apps.populate_configs()
    assert [config.label for config in apps.get_app_configs()] == ["gamma", "broken_models"]
    with pytest.raises(AppRegistryNotReady):
        apps.get_models()


def test_broken_models_module_names_app_and_module(use_settings) -> None:
    use_settings("sites.broken")
    with pytest.raises(ImproperlyConfigured) as info:
        apps.populate()
    assert str(info.value) == (
        "App 'broken_models' failed to import 'broken_models.models': "
        "ModuleNotFoundError: No module named 'module_that_does_not_exist'"
    )
    assert isinstance(info.value.__cause__, ModuleNotFoundError)


def test_missing_app_is_named(use_settings) -> None:
    use_settings("sites.missing")
    with pytest.raises(ImproperlyConfigured) as info:
        apps.populate()
    assert (
        str(info.value)
        == "App 'blgo' in INSTALLED_APPS cannot be imported: no module named 'blgo'."
    )


def test_duplicate_labels_name_both_apps(use_settings) -> None:
    use_settings("sites.dupes")
    with pytest.raises(ImproperlyConfigured) as info:
        apps.populate()
    assert str(info.value) == (
        "App labels aren't unique: 'alpha' and 'dupe_alpha' are both labelled 'alpha'; "
        "set a different AppConfig.label on one of them."
    )


def test_dependency_cycle_names_the_apps(use_settings) -> None:
    use_settings("sites.cycle")
    with pytest.raises(ImproperlyConfigured) as info:
        apps.populate()
    assert str(info.value) in {
        "INSTALLED_APPS have a dependency cycle: cycle_a -> cycle_b -> cycle_a.",
        "INSTALLED_APPS have a dependency cycle: cycle_b -> cycle_a -> cycle_b.",
    }


def test_unknown_dependency(fixture_path) -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        apps.populate(["alpha"])
    assert str(info.value) == "App 'alpha' depends on 'gamma', which is not in INSTALLED_APPS."


def test_several_configs_without_default(fixture_path) -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        apps.populate(["multi_config"])
    assert str(info.value) == (
        "'multi_config.apps' defines several AppConfig classes (FirstConfig, SecondConfig); "
        "mark one with 'default = True' or list its path in INSTALLED_APPS."
    )


def test_config_path_picks_one_of_several(fixture_path) -> None:
    apps.populate(["multi_config.apps.SecondConfig"])
    assert [config.label for config in apps.get_app_configs()] == ["multi_second"]


def test_config_path_outside_apps_module_needs_a_name(fixture_path) -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        apps.populate(["elsewhere_config.NamelessConfig"])
    assert str(info.value) == (
        "'elsewhere_config.NamelessConfig' in INSTALLED_APPS must set 'name' to the app's "
        "module path."
    )


def test_config_class_entry(fixture_path) -> None:
    class Inline(AppConfig):
        name = "gamma"
        label = "inline"

    apps.populate([Inline])
    assert apps.get_app_config("inline").name == "gamma"


def test_non_string_entry_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="got 42"):
        apps.populate([42])  # type: ignore[list-item]


def test_invalid_label(fixture_path) -> None:
    class Bad(AppConfig):
        name = "gamma"
        label = "not-valid"

    with pytest.raises(ImproperlyConfigured, match="'not-valid' of 'gamma' is not a valid"):
        apps.populate([Bad])


def test_ready_may_not_populate_again(fixture_path) -> None:
    class Reentrant(AppConfig):
        name = "gamma"

        def ready(self) -> None:
            self.apps.populate()

    with pytest.raises(RuntimeError, match="isn't re-entrant"):
        apps.populate([Reentrant])


def test_conflicting_models_in_one_app() -> None:
    first = type("Thing", (), {"__module__": "one"})
    second = type("Thing", (), {"__module__": "two"})
    apps.register_model("shop", first)
    with pytest.raises(ImproperlyConfigured, match="Conflicting 'thing' models in app 'shop'"):
        apps.register_model("shop", second)


async def test_startup_in_order_and_shutdown_in_reverse(use_settings) -> None:
    use_settings("sites.basic")
    apps.populate()
    from alpha.apps import EVENTS

    EVENTS.clear()
    await apps.startup()
    await apps.shutdown()
    assert EVENTS == [
        "startup beta_custom",
        "startup alpha",
        "shutdown alpha",
        "shutdown beta_custom",
    ]


async def test_failed_startup_shuts_down_the_started_apps(fixture_path) -> None:
    events: list[str] = []

    class First(AppConfig):
        name = "gamma"
        label = "first"

        def on_shutdown(self) -> None:
            events.append("shutdown first")

    class Second(AppConfig):
        name = "gamma"
        label = "second"

        async def on_startup(self) -> None:
            raise RuntimeError("boom")

        async def on_shutdown(self) -> None:
            events.append("shutdown second")

    apps.populate([First, Second])
    with pytest.raises(RuntimeError, match="boom"):
        await apps.startup()
    assert events == ["shutdown first"]
