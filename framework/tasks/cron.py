"""Cron expressions for ``@periodic``: parsed when declared, ticks computed in UTC.

Five fields (minute hour day-of-month month day-of-week) or six, the sixth being seconds
(``"* * * * * */10"``: every ten seconds), as croniter and Procrastinate read them. Each
field takes ``*``, numbers, ``a-b`` ranges, ``*/n`` and ``a-b/n`` steps and comma lists;
months and days also take their English names (``jan``, ``mon``). When both day fields
are restricted, a day matches either, as in every cron. ``@hourly``, ``@daily``,
``@weekly``, ``@monthly`` and ``@yearly`` are shorthands.

The schedule is the same on every backend, so a tick means one thing everywhere; the
Procrastinate backend hands each tick's timestamp to the database, which keeps one job per
task and tick however many workers ask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["Cron", "CronError"]

_SHORTHANDS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
#: (name, lowest, highest, names) of each field, in the order they are written.
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {name: i + 1 for i, name in enumerate(_MONTHS)}),
    ("day of week", 0, 7, {name: i for i, name in enumerate(_DAYS)}),
    ("second", 0, 59, {}),
)
#: Far enough to find a 29 February on a given weekday; a schedule with no tick is refused.
_SEARCH_YEARS = 30


class CronError(ValueError):
    """A cron expression that cannot be read: the message names the field and the value."""


@dataclass(frozen=True)
class Cron:
    """A parsed cron expression: the allowed values of each field."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    seconds: frozenset[int]
    any_day: bool
    any_weekday: bool

    @classmethod
    def parse(cls, expression: str) -> Cron:
        """Read *expression*; raise :class:`CronError` naming what is wrong."""
        text = _SHORTHANDS.get(expression.strip().lower(), expression)
        parts = text.split()
        if len(parts) not in (5, 6):
            raise CronError(
                f"Cron expression {expression!r} has {len(parts)} fields; expected 5 "
                "(minute hour day month weekday) or 6 (and seconds), e.g. '*/5 * * * *'."
            )
        if len(parts) == 5:
            parts.append("0")
        fields = zip(parts, _FIELDS, strict=True)
        values = [_field(expression, part, *spec) for part, spec in fields]
        weekdays = frozenset(day % 7 for day in values[4])  # 7 is Sunday too
        cron = cls(
            expression=expression,
            minutes=values[0],
            hours=values[1],
            days=values[2],
            months=values[3],
            weekdays=weekdays,
            seconds=values[5],
            any_day=parts[2] in ("*", "?"),
            any_weekday=parts[4] in ("*", "?"),
        )
        cron.next_after(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # refuse "31 February"
        return cron

    def matches_day(self, day: dt.date) -> bool:
        """Return whether *day* is one the schedule runs on."""
        if day.month not in self.months:
            return False
        in_days = day.day in self.days
        in_weekdays = (day.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return in_days and in_weekdays
        return in_days or in_weekdays

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """Return the first tick strictly after *moment* (an aware datetime), in UTC."""
        start = moment.astimezone(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=1)
        day = start.date()
        last = day.replace(year=day.year + _SEARCH_YEARS) if day.year < 9000 else day
        while day <= last:
            if self.matches_day(day):
                tick = self._first_time(day, start)
                if tick is not None:
                    return tick
            day += dt.timedelta(days=1)
        raise CronError(f"Cron expression {self.expression!r} never fires.")

    def _first_time(self, day: dt.date, start: dt.datetime) -> dt.datetime | None:
        floor = start.time() if day == start.date() else dt.time(0, 0, 0)
        for hour in sorted(self.hours):
            if hour < floor.hour:
                continue
            for minute in sorted(self.minutes):
                if (hour, minute) < (floor.hour, floor.minute):
                    continue
                for second in sorted(self.seconds):
                    if (hour, minute, second) >= (floor.hour, floor.minute, floor.second):
                        return dt.datetime(
                            day.year,
                            day.month,
                            day.day,
                            hour,
                            minute,
                            second,
                            tzinfo=dt.UTC,
                        )
        return None


def _field(
    expression: str, text: str, name: str, low: int, high: int, names: dict[str, int]
) -> frozenset[int]:
    found: set[int] = set()
    for item in text.lower().split(","):
        found.update(_item(expression, item, name, low, high, names))
    return frozenset(found)


def _item(
    expression: str, item: str, name: str, low: int, high: int, names: dict[str, int]
) -> range:
    def fail(reason: str) -> CronError:
        return CronError(
            f"Cron expression {expression!r}: the {name} field {item!r} {reason} "
            f"(allowed: {low}-{high})."
        )

    def number(text: str) -> int:
        value = names.get(text)
        if value is None:
            if not text.isdigit():
                raise fail("is not a number, a range or a step")
            value = int(text)
        if not low <= value <= high:
            raise fail("is out of range")
        return value

    span, _, step_text = item.partition("/")
    step = 1
    if step_text:
        if not step_text.isdigit() or int(step_text) == 0:
            raise fail("has a step that is not a positive number")
        step = int(step_text)
    if span in ("*", "?"):
        first, last = low, high
    elif "-" in span:
        first_text, _, last_text = span.partition("-")
        first, last = number(first_text), number(last_text)
        if first > last:
            raise fail("is a range that ends before it starts")
    else:
        first = number(span)
        last = high if step_text else first
    return range(first, last + 1, step)
