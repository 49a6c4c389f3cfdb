"""The logging configuration: defaults, LOGGING merged over them, settings refused clearly."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest

from framework.checks import run_checks
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.logging import default_logging, logging_config


def test_defaults_send_everything_through_one_console_handler() -> None:
    config = logging_config()
    assert config["root"] == {"handlers": ["console"], "level": "INFO"}
    assert config["handlers"]["console"]["formatter"] == "text"
    assert config["handlers"]["console"]["filters"] == ["request_id", "secrets"]
    assert config["loggers"]["uvicorn.access"]["propagate"] is True
    assert config["disable_existing_loggers"] is False


def test_level_and_format_come_from_settings() -> None:
    with settings.override(LOG_LEVEL="debug", LOG_FORMAT="JSON"):
        config = logging_config()
    assert config["root"]["level"] == "DEBUG"
    assert config["handlers"]["console"]["formatter"] == "json"


def test_logging_is_merged_over_the_defaults_section_by_section() -> None:
    extra = {
        "formatters": {"short": {"format": "%(levelname)s %(message)s"}},
        "handlers": {"audit": {"class": "logging.NullHandler", "filters": []}},
        "loggers": {"sqlalchemy.engine": {"level": "INFO"}, "uvicorn.access": {"level": "ERROR"}},
    }
    with settings.override(LOGGING=extra):
        config = logging_config()
    assert set(config["formatters"]) == {"text", "json", "short"}
    assert set(config["handlers"]) == {"console", "audit"}
    assert config["handlers"]["audit"]["filters"] == ["request_id", "secrets"]
    assert config["loggers"]["sqlalchemy.engine"] == {"level": "INFO"}
    assert config["loggers"]["uvicorn.access"] == {"level": "ERROR"}  # replaced by name
    assert config["loggers"]["uvicorn"]["propagate"] is True  # the others stay
    assert config["root"]["handlers"] == ["console"]
    assert extra["handlers"]["audit"]["filters"] == []  # the setting itself is not changed


def test_root_in_logging_replaces_the_default_root() -> None:
    with settings.override(LOGGING={"root": {"level": "WARNING", "handlers": []}}):
        assert logging_config()["root"] == {"level": "WARNING", "handlers": []}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"LOG_LEVEL": "LOUD"},
            "LOG_LEVEL 'LOUD' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL.",
        ),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT 'xml' is not 'text' or 'json'."),
        ({"LOGGING": ["console"]}, "LOGGING must be a dictConfig dictionary, not list."),
    ],
)
def test_bad_settings_are_refused_naming_the_key(overrides, message) -> None:
    with settings.override(**overrides):
        with pytest.raises(ImproperlyConfigured) as info:
            logging_config()
        assert str(info.value) == message
        errors = run_checks(tags=["logging"])
    assert [(m.id, m.msg) for m in errors] == [("logging.E001", message)]


def test_the_configuration_applies_and_formats_json() -> None:
    stream = io.StringIO()
    config = default_logging("INFO", "json")
    config["handlers"]["console"]["stream"] = stream
    config["handlers"]["console"]["filters"] = ["request_id", "secrets"]
    config["root"] = {"handlers": [], "level": "WARNING"}
    config["loggers"] = {
        "configtest": {"handlers": ["console"], "level": "INFO", "propagate": False}
    }
    logging.config.dictConfig(config)
    try:
        logging.getLogger("configtest").info("hello %s", {"api_key": "abc", "n": 1})
    finally:
        logging.getLogger("configtest").handlers.clear()
    record = json.loads(stream.getvalue())
    assert record["message"] == "hello {'api_key': '********', 'n': 1}"
    assert record["request_id"] == "-"
    assert record["logger"] == "configtest"
