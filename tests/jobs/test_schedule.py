"""Schedules: every process computes the same period for an instant, and the cron line agrees."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from croniter import croniter
from hypothesis import given
from hypothesis import strategies as st

from tradehub.jobs.domain import EPOCH, Every, Monthly

instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
INTERVALS = [
    timedelta(seconds=5),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
]


@given(now=instants, interval=st.sampled_from(INTERVALS))
def test_an_instant_lies_in_exactly_one_aligned_period(now: datetime, interval: timedelta) -> None:
    schedule = Every(interval)
    start = schedule.period_start(now)
    assert start <= now < schedule.next_start(now) == start + interval
    assert (start - EPOCH) % interval == timedelta(0)
    assert schedule.period_start(start) == start
    assert schedule.period_start(start + interval - timedelta(microseconds=1)) == start


@given(now=instants, interval=st.sampled_from(INTERVALS))
def test_the_cron_line_fires_at_each_period_start(now: datetime, interval: timedelta) -> None:
    schedule = Every(interval)
    start = schedule.period_start(now)
    fires = croniter(schedule.cron, (start - timedelta(seconds=1)).replace(tzinfo=None))
    assert fires.get_next(datetime) == start.replace(tzinfo=None)
    assert fires.get_next(datetime) == (start + interval).replace(tzinfo=None)


@given(now=instants)
def test_a_daily_schedule_with_an_offset_runs_at_that_time(now: datetime) -> None:
    schedule = Every(timedelta(days=1), offset=timedelta(hours=3, minutes=30))  # 09:00 IST
    start = schedule.period_start(now)
    assert (start.hour, start.minute) == (3, 30) and start <= now < start + timedelta(days=1)
    assert schedule.cron == "30 3 * * *"


@given(now=instants)
def test_monthly_periods_start_on_their_day(now: datetime) -> None:
    schedule = Monthly(day=1, at=time(2, 0))
    start = schedule.period_start(now)
    following = schedule.next_start(now)
    assert (start.day, start.hour, start.minute) == (1, 2, 0)
    assert start <= now < following
    assert (following.year * 12 + following.month) - (start.year * 12 + start.month) == 1
    fires = croniter(schedule.cron, (start - timedelta(seconds=1)).replace(tzinfo=None))
    assert fires.get_next(datetime) == start.replace(tzinfo=None)


def test_descriptions_and_cron_lines() -> None:
    assert (Every(timedelta(minutes=5)).describe(), Every(timedelta(minutes=5)).cron) == (
        "every 5 minutes",
        "0-59/5 * * * *",
    )
    assert (Every(timedelta(hours=1)).describe(), Every(timedelta(hours=1)).cron) == (
        "every hour",
        "0 * * * *",
    )
    assert Every(timedelta(days=1)).cron == "0 0 * * *"
    assert Every(timedelta(seconds=10)).cron == "* * * * * 0-59/10"
    assert Monthly().describe() == "monthly on day 1 at 00:00 UTC"


def test_impossible_schedules_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        Every(timedelta(0))
    with pytest.raises(ValueError, match="offset"):
        Every(timedelta(hours=1), offset=timedelta(hours=2))
    with pytest.raises(ValueError, match="no cron equivalent"):
        _ = Every(timedelta(minutes=7)).cron
    with pytest.raises(ValueError, match="1 to 28"):
        Monthly(day=31)
