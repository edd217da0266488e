"""How much of the machine other work took during a measured run (Linux ``/proc``).

Client and server share the machine with whatever else runs on it, and on a small machine any
other work lowers every figure. ``other_cpu_percent`` is the CPU time the whole machine spent
busy minus what the server (and its workers), wrk, the runner and, on PostgreSQL, the backends
serving the bench database spent, as a share of all CPUs over the run: a few percent is kernel
networking and PostgreSQL's own background processes; much more means the figures are low.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


def _ticks_per_second() -> int:
    try:
        return os.sysconf("SC_CLK_TCK")
    except (ValueError, OSError, AttributeError):
        return 100


def _machine_busy_seconds() -> float | None:
    """Busy time of all CPUs since boot: everything but idle and iowait."""
    try:
        fields = [
            int(value) for value in (_PROC / "stat").read_text().split("\n", 1)[0].split()[1:]
        ]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    guest = sum(fields[8:10])  # already counted in user and nice
    return (sum(fields) - idle - guest) / _ticks_per_second()


def _process_seconds(pid: int) -> float:
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # the command name may hold spaces
    user, system = int(fields[11]), int(fields[12])  # utime, stime: fields 14 and 15
    return (user + system) / _ticks_per_second()


def _children(pid: int) -> list[int]:
    try:
        text = (_PROC / str(pid) / "task" / str(pid) / "children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _tree_seconds(pid: int) -> float:
    """CPU time of a process and its live descendants (the uvicorn supervisor and workers)."""
    return _process_seconds(pid) + sum(_tree_seconds(child) for child in _children(pid))


def _database_backends(database: str) -> list[int]:
    """PostgreSQL backends connected to ``database`` (their title is ``postgres: … user db …``)."""
    marker = f" {database} ".encode()
    pids: list[int] = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if title.startswith(b"postgres: ") and marker in title:
            pids.append(int(entry.name))
    return pids


def _reaped_children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has exited
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class CpuSnapshot:
    at: float
    machine_busy: float | None
    server: float  # the uvicorn process and its workers
    database: float  # the PostgreSQL backends serving the bench database (0 on SQLite)
    harness: float  # wrk (once reaped) and this runner


def snapshot(server_pid: int, *, postgres_database: str | None = None) -> CpuSnapshot:
    """CPU times now; ``postgres_database``: also count the backends serving that database."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    database = 0.0
    if postgres_database is not None:
        database = sum(_process_seconds(pid) for pid in _database_backends(postgres_database))
    return CpuSnapshot(
        at=time.monotonic(),
        machine_busy=_machine_busy_seconds(),
        server=_tree_seconds(server_pid),
        database=database,
        harness=_reaped_children_seconds() + own.ru_utime + own.ru_stime,
    )


def usage(
    before: CpuSnapshot, after: CpuSnapshot, *, cpus: int, requests: int
) -> dict[str, float | None]:
    """CPU milliseconds a request of the server (and of PostgreSQL), and the others' share."""
    server = after.server - before.server
    database = after.database - before.database
    harness = after.harness - before.harness
    per_request = 1000 / requests if requests else 0.0
    other: float | None = None
    capacity = (after.at - before.at) * cpus
    if before.machine_busy is not None and after.machine_busy is not None and capacity > 0:
        others = (after.machine_busy - before.machine_busy) - server - database - harness
        other = round(max(0.0, others) / capacity * 100, 1)
    return {
        "server_cpu_ms_per_request": round(server * per_request, 3),
        "database_cpu_ms_per_request": round(database * per_request, 3) if database else None,
        "other_cpu_percent": other,
    }
