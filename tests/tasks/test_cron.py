"""Cron expressions: ticks in UTC, the day-of-month/day-of-week rule, errors naming the field."""

from __future__ import annotations

import datetime as dt

import pytest

from framework.tasks.cron import Cron, CronError

UTC = dt.UTC


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("*/5 * * * *", at(2026, 3, 1, 10, 2, 30), at(2026, 3, 1, 10, 5)),
        ("*/5 * * * *", at(2026, 3, 1, 10, 5), at(2026, 3, 1, 10, 10)),  # strictly after
        ("0 9 * * mon-fri", at(2026, 3, 6, 9, 0), at(2026, 3, 9, 9, 0)),  # Friday → Monday
        ("30 2 1 * *", at(2026, 12, 15), at(2027, 1, 1, 2, 30)),
        ("0 0 29 feb *", at(2026, 3, 1), at(2028, 2, 29)),
        ("0 12 13 * 5", at(2026, 3, 2), at(2026, 3, 6, 12)),  # day 13 OR a Friday
        ("* * * * * */10", at(2026, 3, 1, 0, 0, 1), at(2026, 3, 1, 0, 0, 10)),
        ("@daily", at(2026, 3, 1, 0, 0, 1), at(2026, 3, 2)),
        ("0 0 * * 7", at(2026, 3, 2), at(2026, 3, 8)),  # 7 is Sunday
    ],
)
def test_next_tick(expression: str, after: dt.datetime, expected: dt.datetime) -> None:
    assert Cron.parse(expression).next_after(after) == expected


def test_a_tick_in_another_time_zone_is_read_in_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    assert Cron.parse("0 * * * *").next_after(dt.datetime(2026, 3, 1, 10, 30, tzinfo=paris)) == at(
        2026, 3, 1, 10
    )


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "* * *",
            "Cron expression '* * *' has 3 fields; expected 5 (minute hour day month "
            "weekday) or 6 (and seconds), e.g. '*/5 * * * *'.",
        ),
        (
            "61 * * * *",
            "Cron expression '61 * * * *': the minute field '61' is out of range (allowed: 0-59).",
        ),
        (
            "* * * foo *",
            "Cron expression '* * * foo *': the month field 'foo' is not a number, "
            "a range or a step (allowed: 1-12).",
        ),
        (
            "*/0 * * * *",
            "Cron expression '*/0 * * * *': the minute field '*/0' has a step that "
            "is not a positive number (allowed: 0-59).",
        ),
        (
            "5-1 * * * *",
            "Cron expression '5-1 * * * *': the minute field '5-1' is a range that "
            "ends before it starts (allowed: 0-59).",
        ),
        ("0 0 31 2 *", "Cron expression '0 0 31 2 *' never fires."),
    ],
)
def test_errors_name_the_field_and_value(expression: str, message: str) -> None:
    with pytest.raises(CronError) as caught:
        Cron.parse(expression)
    assert str(caught.value) == message
