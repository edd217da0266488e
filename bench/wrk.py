"""wrk, the load generator: find it (or say how to install it) and run it bounded in time.

``bench/latency.lua`` counts every response that is not 2xx and prints one ``BENCH_RESULT``
JSON line in ``done()``, so results never depend on parsing wrk's human-readable report.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

from bench.common import BENCH_DIR, BenchError

LUA_SCRIPT = BENCH_DIR / "latency.lua"
RESULT_MARKER = "BENCH_RESULT "
REQUEST_TIMEOUT = "5s"  # a slower answer counts as a timeout error
WRK_GRACE_SECONDS = 30  # on top of the wrk duration before the wrk process is killed

INSTALL_WRK_HELP = """wrk is not installed (it generates the load).
Install it, then run the benchmark again:
    Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y wrk
    macOS:          brew install wrk
or pass --install-wrk to let this script run apt-get itself."""


def find_wrk(*, install: bool) -> str:
    path = shutil.which("wrk")
    if path is None and install and shutil.which("apt-get"):
        print("Installing wrk with apt-get…")
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, timeout=600)
        path = shutil.which("wrk")
    if path is None:
        raise BenchError(INSTALL_WRK_HELP)
    return path


def wrk_version(wrk: str) -> str:
    completed = subprocess.run(
        [wrk, "--version"], capture_output=True, text=True, timeout=10, check=False
    )
    first_line = (completed.stdout or completed.stderr).strip().splitlines()
    return first_line[0].split(" [")[0] if first_line else "unknown"


def run_wrk(
    wrk: str, url: str, *, headers: dict[str, str], duration: int, threads: int, connections: int
) -> dict[str, Any]:
    command = [
        wrk,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={duration}s",
        f"--timeout={REQUEST_TIMEOUT}",
        f"--script={LUA_SCRIPT}",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command.append(url)
    try:
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=duration + WRK_GRACE_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish within {duration + WRK_GRACE_SECONDS} s") from exc
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_MARKER):
            result: dict[str, Any] = json.loads(line.removeprefix(RESULT_MARKER))
            socket_errors = sum(
                int(result[key])
                for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
            )
            result["socket_errors"] = socket_errors
            result["errors"] = int(result["non_2xx"]) + socket_errors
            return result
    output = completed.stdout + completed.stderr
    raise BenchError(f"wrk printed no result (exit {completed.returncode}):\n{output}")
