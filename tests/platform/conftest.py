"""Helpers for the platform tests: fresh databases, cached settings, work off the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tradehub.config import get_settings

T = TypeVar("T")


@pytest.fixture
def settings_cache() -> Iterator[None]:
    """``get_settings()`` is cached; start from and leave behind an empty cache."""
    get_settings.cache_clear()
    try:
        yield
    finally:
        get_settings.cache_clear()


def in_thread(function: Callable[[], T], timeout: float = 120) -> T:
    """Run blocking code that calls ``asyncio.run`` (the CLI) away from the test's event loop."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"still running after {timeout} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


def run_async(coroutine: Callable[[], Coroutine[Any, Any, T]], timeout: float = 120) -> T:
    return in_thread(lambda: asyncio.run(coroutine()), timeout)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def sqlite_tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def metric_samples(text: str, sample_name: str) -> list[tuple[dict[str, str], float]]:
    """Every sample called ``sample_name`` in a Prometheus text exposition."""
    return [
        (dict(sample.labels), sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == sample_name
    ]


def metric_total(text: str, sample_name: str, **labels: str) -> float:
    return sum(
        value
        for sample_labels, value in metric_samples(text, sample_name)
        if all(sample_labels.get(key) == wanted for key, wanted in labels.items())
    )
