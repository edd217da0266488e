"""Schedules: which period an instant belongs to, and the cron line that says the same.

A job runs once per period. Periods of ``Every`` are aligned on the Unix epoch in UTC (plus an
optional offset), so every process computes the same period for the same instant without
talking to the others; ``Monthly`` periods start on a day of each month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Protocol

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MINUTE = 60
HOUR = 3600
DAY = 86400


class Schedule(Protocol):
    def period_start(self, now: datetime) -> datetime: ...

    def next_start(self, now: datetime) -> datetime: ...

    @property
    def cron(self) -> str: ...

    def describe(self) -> str: ...


def _plural(count: int, unit: str) -> str:
    return f"every {unit}" if count == 1 else f"every {count} {unit}s"


@dataclass(frozen=True)
class Every:
    interval: timedelta
    offset: timedelta = timedelta(0)

    def __post_init__(self) -> None:
        if self.interval <= timedelta(0):
            raise ValueError("a schedule's interval must be positive")
        if not timedelta(0) <= self.offset < self.interval:
            raise ValueError("a schedule's offset must be within one interval")

    def period_start(self, now: datetime) -> datetime:
        elapsed = now.astimezone(UTC) - EPOCH - self.offset
        return EPOCH + self.offset + (elapsed // self.interval) * self.interval

    def next_start(self, now: datetime) -> datetime:
        return self.period_start(now) + self.interval

    @property
    def cron(self) -> str:
        """The same periods as a cron line (a sixth field for seconds, as croniter reads it)."""
        total, offset = self.interval.total_seconds(), self.offset.total_seconds()
        if total != int(total) or offset != int(offset):
            raise ValueError(f"{self.describe()} has no cron equivalent")
        step, start = int(total), int(offset)
        if step < MINUTE and MINUTE % step == 0:
            return f"* * * * * {start}-59/{step}"
        if start % MINUTE == 0:
            if step == MINUTE:
                return "* * * * *"
            if step < HOUR and step % MINUTE == 0 and HOUR % step == 0:
                return f"{start // MINUTE}-59/{step // MINUTE} * * * *"
            minute, hour = (start % HOUR) // MINUTE, start // HOUR
            if step == HOUR:
                return f"{minute} * * * *"
            if step < DAY and step % HOUR == 0 and DAY % step == 0:
                return f"{minute} {hour}-23/{step // HOUR} * * *"
            if step == DAY:
                return f"{minute} {hour} * * *"
        raise ValueError(f"{self.describe()} has no cron equivalent")

    def describe(self) -> str:
        seconds = int(self.interval.total_seconds())
        if seconds % DAY == 0:
            text = _plural(seconds // DAY, "day")
        elif seconds % HOUR == 0:
            text = _plural(seconds // HOUR, "hour")
        elif seconds % MINUTE == 0:
            text = _plural(seconds // MINUTE, "minute")
        else:
            text = _plural(seconds, "second")
        if self.offset:
            text += f" (offset {self.offset})"
        return text


@dataclass(frozen=True)
class Monthly:
    """Once a month, from ``day`` at ``at`` (UTC). Days above 28 would skip short months."""

    day: int = 1
    at: time = time(0, 0)

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 28:
            raise ValueError("a monthly schedule's day must be 1 to 28")

    def _start_in(self, year: int, month: int) -> datetime:
        return datetime(year, month, self.day, self.at.hour, self.at.minute, tzinfo=UTC)

    def period_start(self, now: datetime) -> datetime:
        now = now.astimezone(UTC)
        start = self._start_in(now.year, now.month)
        if start <= now:
            return start
        year, month = (now.year - 1, 12) if now.month == 1 else (now.year, now.month - 1)
        return self._start_in(year, month)

    def next_start(self, now: datetime) -> datetime:
        start = self.period_start(now)
        year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
        return self._start_in(year, month)

    @property
    def cron(self) -> str:
        return f"{self.at.minute} {self.at.hour} {self.day} * *"

    def describe(self) -> str:
        return f"monthly on day {self.day} at {self.at.strftime('%H:%M')} UTC"
