"""The benchmark's results: one table per database, the targets of issue 11 marked MET / NOT MET, and JSON.

Pure: plain values in, text out, so tests/bench/test_report.py can check it on canned figures.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

HEALTHZ = "healthz"


@dataclass
class Measurement:
    """One page at one size: wrk's figures, the /healthz run just before it, and the page's SQL statements."""

    requests_per_s: float
    p99_ms: float
    healthz_requests_per_s: float
    statements: int | None = None
    status: int | None = None
    errors: int = 0

    @property
    def ratio(self) -> float:
        """Throughput as a fraction of /healthz's in the same run."""
        return self.requests_per_s / self.healthz_requests_per_s if self.healthz_requests_per_s else 0.0


@dataclass
class DatabaseResults:
    database: str
    sizes: list[str] = field(default_factory=list)  # "1x", "10x", "100x"
    seeded: dict[str, dict[str, int]] = field(default_factory=dict)  # size -> {"published": n, "assessments": m}
    seed_seconds: dict[str, float] = field(default_factory=dict)  # the seed-scale run that reached the size
    pages: dict[str, dict[str, Measurement]] = field(default_factory=dict)  # page -> size -> figures
    rss_mb: dict[str, float] = field(default_factory=dict)  # size -> the largest worker's VmRSS
    healthz_p99_during_builds_ms: float | None = None

    def add(self, page: str, size: str, measurement: Measurement) -> None:
        self.pages.setdefault(page, {})[size] = measurement

    def growth(self, page: str) -> tuple[float | None, float | None]:
        """Throughput at the smallest size over that at the largest, and statements largest over smallest."""
        by_size = self.pages.get(page, {})
        if not self.sizes or self.sizes[0] not in by_size or self.sizes[-1] not in by_size:
            return None, None
        first, last = by_size[self.sizes[0]], by_size[self.sizes[-1]]
        throughput = first.requests_per_s / last.requests_per_s if last.requests_per_s else None
        statements = (last.statements / first.statements
                      if first.statements and last.statements is not None else None)
        return throughput, statements


@dataclass
class BenchResults:
    databases: list[DatabaseResults] = field(default_factory=list)
    internal_pdf_seconds: float | None = None  # the demo's largest assessment
    synthetic_pdf_seconds: float | None = None  # 200 sections of 5 KB Markdown
    settings: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    database: str
    description: str
    value: str
    met: bool


def _figure(value: float | None, pattern: str = "{:.0f}") -> str:
    return "-" if value is None else pattern.format(value)


def table(results: DatabaseResults) -> str:
    """One line per page: req/s, % of /healthz and p99 at each size, SQL statements, growth factors."""
    sizes = results.sizes
    seeded = ", ".join(f"{size}: {n['published']} published + {n['assessments']} assessments"
                       for size, n in results.seeded.items())
    lines = [f"== {results.database} ({seeded})",
             f"{'page':<22} {'req/s':>{8 * len(sizes)}} {'% /healthz':>{6 * len(sizes)}} "
             f"{'p99 ms':>{8 * len(sizes)}} {'SQL':>{5 * len(sizes)}}   growth (req/s, SQL)",
             f"{'':<22} {''.join(f'{s:>8}' for s in sizes)} {''.join(f'{s:>6}' for s in sizes)} "
             f"{''.join(f'{s:>8}' for s in sizes)} {''.join(f'{s:>5}' for s in sizes)}"]
    for page, by_size in results.pages.items():
        cells = [by_size.get(size) for size in sizes]
        rate = "".join(f"{_figure(m and m.requests_per_s):>8}" for m in cells)
        ratio = "".join(f"{_figure(m and m.ratio * 100, '{:.0f}%') if page != HEALTHZ else '':>6}" for m in cells)
        p99 = "".join(f"{_figure(m and m.p99_ms, '{:.1f}'):>8}" for m in cells)
        sql = "".join(f"{_figure(m and m.statements):>5}" for m in cells)
        throughput, statements = results.growth(page)
        errors = sum(m.errors for m in cells if m)
        note = f"  ({errors} errors)" if errors else ""
        lines.append(f"{page:<22} {rate} {ratio} {p99} {sql}   x{_figure(throughput, '{:.2f}')}, "
                     f"x{_figure(statements, '{:.2f}')}{note}")
    rss = ", ".join(f"{size} {mb:.0f} MB" for size, mb in results.rss_mb.items())
    lines.append(f"worker RSS (largest worker): {rss or '-'}")
    lines.append(f"/healthz p99 during two large PDF builds: {_figure(results.healthz_p99_during_builds_ms, '{:.1f}')}"
                 " ms")
    seeding = ", ".join(f"{size} {seconds:.1f} s" for size, seconds in results.seed_seconds.items())
    lines.append(f"seed-scale time (adding up to each size): {seeding or '-'}")
    return "\n".join(lines)


def _at_largest(results: DatabaseResults, page: str) -> Measurement | None:
    return results.pages.get(page, {}).get(results.sizes[-1]) if results.sizes else None


def targets(bench: BenchResults) -> list[Target]:
    """Issue 11's targets, at the largest size measured."""
    found: list[Target] = []
    for results in bench.databases:
        name = results.database

        def ratio_target(page: str, minimum: float, label: str, *, name: str = name,
                         results: DatabaseResults = results) -> None:
            measured = _at_largest(results, page)
            value = measured.ratio if measured else None
            shown = _figure(value and value * 100, "{:.0f}%")
            found.append(Target(name, f"{label} >= {minimum:.0%} of /healthz", shown,
                                value is not None and value >= minimum and not measured.errors))

        ratio_target("published (304)", 0.50, "published page, conditional (304)")
        ratio_target("register", 0.30, f"/register at {results.sizes[-1] if results.sizes else '-'}")
        first = results.pages.get("register", {}).get(results.sizes[0]) if results.sizes else None
        last = _at_largest(results, "register")
        slowdown = first.requests_per_s / last.requests_per_s if first and last and last.requests_per_s else None
        found.append(Target(name, "/register within 1.5x of its smallest-size throughput",
                            f"x{_figure(slowdown, '{:.2f}')}", slowdown is not None and slowdown <= 1.5))
        ratio_target("section (60 questions)", 0.15, "60-question section page")
        largest = max(results.rss_mb.values(), default=None)
        found.append(Target(name, "worker RSS <= 150 MB", f"{_figure(largest)} MB",
                            largest is not None and largest <= 150))
        p99 = results.healthz_p99_during_builds_ms
        found.append(Target(name, "/healthz p99 < 1 s during two PDF builds", f"{_figure(p99, '{:.1f}')} ms",
                            p99 is not None and p99 < 1000))
    pdf = bench.internal_pdf_seconds
    found.append(Target("in-process", "internal PDF of the demo's largest assessment <= 0.5 s",
                        f"{_figure(pdf, '{:.2f}')} s", pdf is not None and pdf <= 0.5))
    return found


def targets_text(found: list[Target]) -> str:
    lines = ["== targets"]
    lines += [f"{'MET' if t.met else 'NOT MET':<8} {t.database:<11} {t.description:<58} {t.value}" for t in found]
    return "\n".join(lines)


def report(bench: BenchResults) -> str:
    parts = [table(results) for results in bench.databases]
    parts.append(f"internal PDF, demo's largest assessment: {_figure(bench.internal_pdf_seconds, '{:.2f}')} s; "
                 f"synthetic 200 sections x 5 KB: {_figure(bench.synthetic_pdf_seconds, '{:.2f}')} s")
    parts.append(targets_text(targets(bench)))
    return "\n\n".join(parts)


def to_json(bench: BenchResults) -> str:
    body = dataclasses.asdict(bench)
    body["targets"] = [dataclasses.asdict(t) for t in targets(bench)]
    for results in body["databases"]:
        for page, by_size in results["pages"].items():
            for size, figures in by_size.items():
                measured = next(r for r in bench.databases if r.database == results["database"]).pages[page][size]
                figures["ratio"] = measured.ratio
    return json.dumps(body, indent=2, sort_keys=True)
