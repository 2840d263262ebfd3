"""Running wrk against one URL and reading its `--latency` report."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_COUNT_UNITS = {"": 1.0, "k": 1e3, "M": 1e6, "G": 1e9}


@dataclass(frozen=True)
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # responses that were not 2xx or 3xx, and socket errors


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if match is None:
        raise ValueError(f"not a wrk duration: {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _count(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)([kMG]?)", value)
    if match is None:
        raise ValueError(f"not a wrk count: {value!r}")
    return float(match.group(1)) * _COUNT_UNITS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """Read requests/s, the median and the 99th percentile, and the errors from wrk's report."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+[kMG]?)", output, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    if rate is None or total is None:
        raise ValueError(f"not a wrk report:\n{output}")
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", output, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return WrkResult(requests_per_s=_count(rate.group(1)), p50_ms=_ms(percentiles.get("50", "0us")),
                     p99_ms=_ms(percentiles.get("99", "0us")), requests=int(total.group(1)), errors=errors)


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("The benchmark needs the wrk load generator: make wrk (or sudo apt-get install wrk)")
    return path


def run_wrk(url: str, *, seconds: float, connections: int, headers: dict[str, str] | None = None) -> WrkResult:
    """Load `url` for `seconds` with `connections` keep-alive connections (one thread each, at most two)."""
    command = [wrk_path(), "--latency", f"-d{max(1, round(seconds))}s", f"-c{connections}",
               f"-t{min(connections, 2)}", "--timeout", "30s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    return parse_wrk(output)
