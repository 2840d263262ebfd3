"""`make bench`: the benchmark of record (issue 11).

For each database (a SQLite file in a temp dir, and a fresh PostgreSQL database) and each of three sizes
(1x, 10x, 100x of 1,000 published and 100 other assessments), it seeds with `flask dpia seed-scale`,
serves the app with gunicorn and the project's gunicorn.conf.py, drives each page with wrk, and reports
throughput as a ratio to /healthz measured just before it, p99, SQL statements (counted in-process), the
growth from 1x to 100x, worker RSS, the internal PDF's build time and /healthz during two PDF builds.
Timing lives here, never in tests.

    python -m tests.bench [--quick] [--db sqlite|postgresql|both] [--seconds 3] [--output results.json]

BENCH_SCALE (a multiplier of the sizes, e.g. 0.1) and BENCH_POSTGRES_URL (the server's admin URL) may be
set in the environment.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import pdf, scenario
from tests.bench.report import HEALTHZ, BenchResults, DatabaseResults, Measurement, report, to_json
from tests.bench.server import ROOT, SECRET_KEY, gunicorn
from tests.bench.wrk import run_wrk, wrk_path

BASE = {"published": 1000, "assessments": 100}
MULTIPLIERS = (1, 10, 100)
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="sizes x0.02 and 1 s per page (a smoke run)")
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")),
                        help="multiply the sizes (default BENCH_SCALE or 1)")
    parser.add_argument("--seconds", type=float, default=3.0, help="wrk duration per page and per /healthz run")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY") or 2))
    parser.add_argument("--output", type=Path, help="where to write the JSON results")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.scale, arguments.seconds = min(arguments.scale, 0.02), 1.0
    return arguments


def _sizes(scale: float) -> list[tuple[str, dict[str, int]]]:
    return [(f"{m}x", {kind: max(1, round(n * m * scale)) for kind, n in BASE.items()}) for m in MULTIPLIERS]


def _measure_size(results: DatabaseResults, size: str, database_url: str, section_reference: str,
                  arguments: argparse.Namespace, *, last: bool) -> None:
    from tests.factories import make_app

    app = make_app(database_url, TESTING=False, SECRET_KEY=SECRET_KEY)
    visitors = scenario.sign_in_visitors(app)
    page_list = scenario.pages(visitors, section_reference)
    with gunicorn(database_url, workers=arguments.workers, log=Path(arguments.log_dir) / f"gunicorn-{size}.log") \
            as server:
        for page in page_list:
            status, count = scenario.statements(app, visitors, page)
            headers = dict(page.headers)
            if page.who:
                headers["Cookie"] = visitors.cookie(page.who)
            server.warm_up(page.path, headers)
            baseline = run_wrk(f"{server.base_url}/healthz", seconds=arguments.seconds,
                               connections=arguments.connections)
            measured = baseline if page.name == HEALTHZ else run_wrk(
                server.base_url + page.path, seconds=arguments.seconds, connections=arguments.connections,
                headers=headers)
            errors = measured.errors + (0 if status == page.expect else 1)
            figures = Measurement(measured.requests_per_s, measured.p99_ms, baseline.requests_per_s, count, status,
                                  errors)
            results.add(page.name, size, figures)
            print(f"  {size:>5} {page.name:<24} {measured.requests_per_s:8.0f} req/s  p99 {measured.p99_ms:8.1f} ms"
                  f"  ({figures.ratio:4.0%} of /healthz)  {count} SQL  status {status}", flush=True)
        results.rss_mb[size] = max(server.worker_rss_mb(), default=0.0)
        if last:
            results.healthz_p99_during_builds_ms = _healthz_during_builds(server.base_url, arguments)
    with app.app_context():
        from dpia.core.extensions import db

        db.engine.dispose()


def _healthz_during_builds(base_url: str, arguments: argparse.Namespace) -> float:
    """/healthz p99 while two processes build the large PDF (an export worker's situation)."""
    builders = [subprocess.Popen([sys.executable, "-m", "tests.bench.pdf", "loop"], cwd=ROOT)  # noqa: S603
                for _ in range(2)]
    try:
        time.sleep(1)
        measured = run_wrk(f"{base_url}/healthz", seconds=max(arguments.seconds, 3),
                           connections=arguments.connections)
    finally:
        for builder in builders:
            builder.kill()
            builder.wait()
    print(f"  /healthz during two PDF builds: p99 {measured.p99_ms:.1f} ms, {measured.requests_per_s:.0f} req/s")
    return measured.p99_ms


def _run_database(name: str, database_url: str, arguments: argparse.Namespace) -> DatabaseResults:
    print(f"== {name}: preparing (migrate, questionnaires, demo)", flush=True)
    scenario.prepare(database_url)
    from tests.factories import make_app

    app = make_app(database_url, TESTING=False, SECRET_KEY=SECRET_KEY)
    section_reference = scenario.add_section_assessment(app)
    with app.app_context():
        from dpia.core.extensions import db

        db.engine.dispose()
    results = DatabaseResults(name)
    done = {"published": 0, "assessments": 0}
    sizes = _sizes(arguments.scale)
    for position, (size, wanted) in enumerate(sizes):
        more = {kind: wanted[kind] - done[kind] for kind in wanted}
        print(f"== {name} {size}: seed-scale --published {more['published']} --assessments {more['assessments']}",
              flush=True)
        results.seed_seconds[size] = scenario.flask_command(
            database_url, "dpia", "seed-scale", "--published", str(more["published"]),
            "--assessments", str(more["assessments"]))
        done = dict(wanted)
        results.sizes.append(size)
        results.seeded[size] = dict(wanted)
        _measure_size(results, size, database_url, section_reference, arguments, last=position == len(sizes) - 1)
    return results


def main(argv: list[str] | None = None) -> None:
    arguments = _arguments(argv)
    wrk_path()
    bench = BenchResults(settings={"scale": arguments.scale, "seconds": arguments.seconds,
                                   "connections": arguments.connections, "workers": arguments.workers,
                                   "cpus": os.cpu_count()})
    with tempfile.TemporaryDirectory(prefix="dpia-bench-") as tmp:
        arguments.log_dir = tmp
        if arguments.db in ("sqlite", "both"):
            bench.databases.append(_run_database("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", arguments))
        if arguments.db in ("postgresql", "both"):
            with scenario.postgres_database(POSTGRES_ADMIN_URL) as url:
                bench.databases.append(_run_database("postgresql", url, arguments))
        from tests.factories import make_app

        demo_url = f"sqlite:///{Path(tmp) / 'pdf.sqlite3'}"
        scenario.prepare(demo_url)
        label, bench.internal_pdf_seconds = pdf.internal_pdf_seconds(make_app(demo_url, TESTING=False))
        bench.settings["internal_pdf_of"] = label
        bench.synthetic_pdf_seconds = pdf.synthetic_pdf_seconds()
    output = arguments.output or Path(tempfile.gettempdir()) / "bench-results.json"
    output.write_text(to_json(bench))
    print()
    print(report(bench))
    print(f"\nJSON results: {output}")


if __name__ == "__main__":
    main()
