"""The benchmark's parsing and reporting, on canned wrk output, so `make bench` cannot rot unnoticed.

No timing here: the figures are made up and only their arithmetic is checked.
"""

import json

import pytest

from tests.bench import __main__ as bench
from tests.bench.report import BenchResults, DatabaseResults, Measurement, report, targets, to_json
from tests.bench.wrk import parse_wrk

WRK_OUTPUT = """Running 3s test @ http://127.0.0.1:40123/register
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.15ms    1.20ms  25.10ms   88.00%
    Req/Sec   640.12     50.00   720.00     70.00%
  Latency Distribution
     50%    2.90ms
     75%    3.40ms
     90%    4.10ms
     99%    1.20s
  3841 requests in 3.00s, 98.52MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:   1.28k
Transfer/sec:     32.80MB
"""

NOTHING_COMPLETED = """Running 3s test @ http://127.0.0.1:40123/register
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 3.00s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B
"""


def test_wrk_report_is_read_with_units():
    result = parse_wrk(WRK_OUTPUT)
    assert result.requests_per_s == 1280.0
    assert result.p50_ms == pytest.approx(2.9) and result.p99_ms == pytest.approx(1200.0)
    assert result.requests == 3841
    assert result.errors == 4 + 3  # non-2xx/3xx answers and socket errors


def test_a_run_where_nothing_completed_reads_as_zero():
    result = parse_wrk(NOTHING_COMPLETED)
    assert result.requests_per_s == 0 and result.requests == 0 and result.p99_ms == 0


def test_text_that_is_not_a_wrk_report_is_refused():
    with pytest.raises(ValueError, match="not a wrk report"):
        parse_wrk("wrk: command not found")


def _results(register_100x: float, published_304: float) -> BenchResults:
    sqlite = DatabaseResults("sqlite", sizes=["1x", "10x", "100x"],
                             seeded={"1x": {"published": 1000, "assessments": 100}})
    for size, register in (("1x", 400.0), ("10x", 380.0), ("100x", register_100x)):
        sqlite.add("healthz", size, Measurement(1000.0, 5.0, 1000.0, 0, 200))
        sqlite.add("register", size, Measurement(register, 20.0, 1000.0, 5 if size == "1x" else 6, 200))
        sqlite.add("published (304)", size, Measurement(published_304, 4.0, 1000.0, 2, 304))
        sqlite.add("section (60 questions)", size, Measurement(160.0, 40.0, 1000.0, 8, 200))
    sqlite.rss_mb = {"1x": 120.0, "100x": 151.0}
    sqlite.healthz_p99_during_builds_ms = 80.0
    return BenchResults([sqlite], internal_pdf_seconds=0.4, synthetic_pdf_seconds=9.0)


def test_targets_are_marked_met_or_not_from_the_largest_size():
    found = {t.description: t for t in targets(_results(register_100x=320.0, published_304=600.0))}
    assert found["published page, conditional (304) >= 50% of /healthz"].met
    assert found["/register at 100x >= 30% of /healthz"].met  # 32%
    assert found["/register within 1.5x of its smallest-size throughput"].met  # 400 / 320 = 1.25
    assert found["60-question section page >= 15% of /healthz"].met  # 16%
    assert not found["worker RSS <= 150 MB"].met  # 151 MB at 100x
    assert found["/healthz p99 < 1 s during two PDF builds"].met
    assert found["internal PDF of the demo's largest assessment <= 0.5 s"].met

    slower = {t.description: t for t in targets(_results(register_100x=250.0, published_304=450.0))}
    assert not slower["published page, conditional (304) >= 50% of /healthz"].met
    assert not slower["/register at 100x >= 30% of /healthz"].met
    assert not slower["/register within 1.5x of its smallest-size throughput"].met  # 1.6


def test_report_prints_a_table_with_growth_and_the_targets():
    text = report(_results(register_100x=320.0, published_304=600.0))
    register = next(line for line in text.splitlines() if line.startswith("register"))
    assert "400" in register and "320" in register and "32%" in register
    assert "x1.25, x1.20" in register  # throughput 1x/100x, statements 100x/1x
    assert "NOT MET  sqlite      worker RSS <= 150 MB" in text
    assert "MET      sqlite      /healthz p99 < 1 s during two PDF builds" in text


def test_json_holds_the_figures_ratios_and_targets():
    body = json.loads(to_json(_results(register_100x=320.0, published_304=600.0)))
    register = body["databases"][0]["pages"]["register"]["100x"]
    assert register["requests_per_s"] == 320.0 and register["ratio"] == pytest.approx(0.32)
    assert {t["description"] for t in body["targets"]} >= {"worker RSS <= 150 MB"}


def test_the_sizes_scale_from_the_base_and_quick_is_small():
    assert bench._sizes(1) == [("1x", {"published": 1000, "assessments": 100}),
                               ("10x", {"published": 10000, "assessments": 1000}),
                               ("100x", {"published": 100000, "assessments": 10000})]
    quick = bench._arguments(["--quick", "--db", "sqlite"])
    assert quick.scale <= 0.02 and quick.seconds == 1 and quick.db == "sqlite"
