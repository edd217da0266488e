"""Serve the bench app exactly as ``tradehub serve`` serves the real one, in a subprocess.

``python -m bench.server --port 8765 --workers 1`` is the process; ``running_server()`` starts
it on a free 127.0.0.1 port, waits for ``/health`` and always stops it (SIGTERM, then SIGKILL to
the process group it leads). Database and secret reach it through ``TRADEHUB_*`` variables.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import uvicorn

from bench.common import REPO_ROOT, BenchError

STOP_TIMEOUT_SECONDS = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def log_tail(log_path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


@contextlib.contextmanager
def running_server(
    database_url: str,
    *,
    secret: str,
    workers: int,
    log_level: str,
    work_dir: Path,
    startup_timeout: float,
) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """uvicorn serving bench.app on 127.0.0.1:<free port>; yields (base URL, process, log)."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        TRADEHUB_DATABASE_URL=database_url,
        TRADEHUB_SECRET_KEY=secret,
        TRADEHUB_LOG_LEVEL=log_level,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    if workers > 1:  # as `tradehub serve --workers N` does: metrics shared through files
        metrics_dir = work_dir / "metrics"
        metrics_dir.mkdir()
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    log_path = work_dir / "server.log"
    command = [sys.executable, "-m", "bench.server", "--port", str(port), "--workers", str(workers)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a stuck worker can be killed
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(base_url, process, log_path, startup_timeout)
        yield base_url, process, log_path
    finally:
        _stop(process)


def _wait_for_health(
    base_url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BenchError(
                    f"the server exited with {process.returncode}:\n{log_tail(log_path)}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"{base_url}/health").status_code == 200:
                    return
            time.sleep(0.1)
    raise BenchError(f"/health did not answer 200 within {timeout} s:\n{log_tail(log_path)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn stops its workers), then SIGKILL to the group it leads if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_SECONDS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve bench.app:create_bench_app.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    # The options of tradehub.cli.serve: the app's own JSON logging, no uvicorn access log.
    uvicorn.run(
        "bench.app:create_bench_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,
        log_config=None,
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
