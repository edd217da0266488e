"""What every benchmark shares: paths, the error that stops a run, and time bounds."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO_ROOT / "bench"
DEFAULT_RESULTS_DIR = BENCH_DIR / "results"
HTTP_TIMEOUT_SECONDS = 10.0


class BenchError(Exception):
    """A step failed; the message says which and why."""
