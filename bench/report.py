"""Results: one JSON file per database, and ``platform.md`` rebuilt from all of them."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT
from bench.wrk import wrk_version


def _command_output(command: list[str]) -> str | None:
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=10, check=False, cwd=REPO_ROOT
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout.strip() if completed.returncode == 0 else None


def cpu_count() -> int:
    """What ``nproc`` prints: the CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_average() -> float | None:
    """The 1-minute load average: other work on the machine lowers every figure."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def machine_info(wrk: str, *, load_before: float | None) -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wrk": wrk_version(wrk),
        "load_average_before": load_before,
    }


def git_info() -> dict[str, Any]:
    commit = _command_output(["git", "rev-parse", "--short", "HEAD"])
    status = _command_output(["git", "status", "--porcelain"])
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def _write_atomically(path: Path, content: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(content, encoding="utf-8")
    temporary.replace(path)


def _errors_cell(target: dict[str, Any]) -> str:
    if not target["errors"]:
        return "0"
    return f"**{target['errors']}** (non-2xx {target['non_2xx']}, socket {target['socket_errors']})"


def _rate_cell(target: dict[str, Any]) -> str:
    """The median requests/s, with the range of all runs when there were several."""
    rates = [run["requests_per_s"] for run in target.get("runs", [])]
    cell = f"{target['requests_per_s']:,.0f}"
    return f"{cell} ({min(rates):,.0f}-{max(rates):,.0f})" if len(rates) > 1 else cell


def cpu_cell(target: dict[str, Any]) -> str:
    """Server CPU ms a request, plus PostgreSQL's when it runs in its own processes."""
    server = target.get("server_cpu_ms_per_request")
    if server is None:
        return "n/a"
    database = target.get("database_cpu_ms_per_request")
    return f"{server:.2f}" + (f" + {database:.2f} db" if database else "")


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} %"


def render_markdown(reports: list[dict[str, Any]]) -> str:
    lines = [
        "# Platform benchmark: latest results",
        "",
        "Written by `bench/run_platform.py` (see `bench/README.md`): the newest run on each",
        "database; every figure of a run is in `platform-<database>.json`. Latencies are measured",
        "by wrk on loopback, client and server on the same machine. With several runs, each figure",
        "is the median over the runs, requests/s followed by its range. *CPU ms/request*: CPU time",
        "of the server process(es) per request, plus that of the PostgreSQL backends (db). *other",
        "CPU*: the largest share of the CPUs that other work took during a measured run (a few %",
        "is normal; more means the figures are low).",
        "",
        (
            "| database | endpoint | requests/s | p50 ms | p99 ms | errors | requests "
            "| CPU ms/request | other CPU | date (UTC) | machine |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for report in reports:
        machine = report["machine"]
        machine_cell = f"{machine['nproc']} CPUs, Python {machine['python']}"
        for target in report["targets"]:
            lines.append(
                f"| {report['database_version']} | `{target['method']} {target['path']}` "
                f"| {_rate_cell(target)} | {target['p50_ms']:.2f} "
                f"| {target['p99_ms']:.2f} | {_errors_cell(target)} | {target['requests']:,} "
                f"| {cpu_cell(target)} | {_percent(target.get('other_cpu_percent_max'))} "
                f"| {report['date'][:16].replace('T', ' ')} | {machine_cell} |"
            )
    lines.append("")
    for report in reports:
        config, machine, git = report["config"], report["machine"], report["git"]
        lines += [
            (
                f"**{report['database_version']}**: wrk {config['threads']} threads, "
                f"{config['connections']} connections; per endpoint {config['warmup_s']} s of "
                f"warm-up then {config.get('repeat', 1)} run(s) of {config['duration_s']} s "
                f"(medians); {config['workers']} uvicorn worker(s), log level "
                f"{config['log_level']}; {config['rows']:,} rows, pages of {config['page_size']}. "
                f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), Python {machine['python']}, "
                f"{machine['wrk']}, {machine['platform']}, load average "
                f"{machine.get('load_average_before')} before the run; commit {git['commit']}"
                f"{' (uncommitted changes)' if git['dirty'] else ''}."
            ),
            "",
        ]
    return "\n".join(lines)


def write_results(report: dict[str, Any], results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path = results_dir / f"platform-{report['database']}.json"
    _write_atomically(json_path, json.dumps(report, indent=2) + "\n")
    reports = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(results_dir.glob("platform-*.json"))
    ]
    _write_atomically(results_dir / "platform.md", render_markdown(reports))
    return json_path
