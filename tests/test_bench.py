"""The benchmark's own arithmetic (bench/report.py, bench/pages.py); wrk and gunicorn do not run here."""

import pytest

from bench.pages import Page, headers_for, select
from bench.report import (
    Result,
    combine_baselines,
    missed_targets,
    missing,
    nearby_baselines,
    parse_wrk,
    table,
)

WRK_OUTPUT = """\
Running 15s test @ http://127.0.0.1:41234/baseline/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    19.52ms    4.10ms  61.20ms   88.12%
    Req/Sec   205.11     20.43   250.00     71.00%
  Latency Distribution
     50%   19.40ms
     75%   21.02ms
     90%   23.90ms
     99%   35.77ms
  6150 requests in 15.01s, 2.10MB read
Requests/sec:    409.73
Transfer/sec:    143.25KB
BENCH_JSON {"requests": 6150, "seconds": 15.010, "rps": 409.73, "p50_ms": 19.400, "p95_ms": 25.400, "p99_ms": 35.770, "max_ms": 61.200, "unexpected": 0, "socket_errors": 0, "statuses": {"200": 6150}}
"""


def result(page="page", rps=100.0, p50=20.0, p95=30.0, queries=8, **kwargs) -> Result:
    return Result(
        page=page, rps=rps, p50_ms=p50, p95_ms=p95, requests=1000, queries=queries, **kwargs
    )


def test_wrk_output_is_read_from_the_line_the_lua_script_prints():
    parsed = parse_wrk("baseline", WRK_OUTPUT)
    assert parsed.page == "baseline"
    assert parsed.rps == pytest.approx(409.73)
    assert parsed.p50_ms == pytest.approx(19.4)
    assert parsed.p95_ms == pytest.approx(25.4)
    assert parsed.requests == 6150
    assert parsed.statuses == {"200": 6150}
    assert parsed.errors == 0


def test_wrk_output_without_the_line_is_an_error_that_shows_the_output():
    with pytest.raises(ValueError, match="Requests/sec"):
        parse_wrk("baseline", WRK_OUTPUT.replace("BENCH_JSON", "something else"))


def test_unexpected_statuses_and_socket_errors_count_as_errors():
    line = (
        'BENCH_JSON {"requests": 10, "seconds": 1, "rps": 10, "p50_ms": 1, "p95_ms": 2, '
        '"p99_ms": 3, "max_ms": 4, "unexpected": 3, "socket_errors": 2, '
        '"statuses": {"302": 7, "200": 3}}'
    )
    parsed = parse_wrk("POST give input", line)
    assert parsed.errors == 5
    assert parsed.statuses == {"302": 7, "200": 3}


def test_the_baseline_is_the_mean_of_its_samples():
    baseline = combine_baselines(
        [result(rps=400, p50=10, p95=20, queries=3), result(rps=300, p50=14, p95=30, queries=3)]
    )
    assert baseline.page == "baseline"
    assert (baseline.rps, baseline.p50_ms, baseline.p95_ms) == (350, 12, 25)
    assert baseline.requests == 2000
    assert baseline.queries == 3


def test_a_page_within_the_targets_misses_nothing():
    baseline = result("baseline", rps=400, p95=20, queries=3)
    assert missed_targets(result(rps=200, p95=60, queries=12), baseline) == []


def test_each_missed_target_is_named():
    baseline = result("baseline", rps=400, p95=20, queries=3)
    missed = missed_targets(result(rps=199, p95=61, queries=13, unexpected=2), baseline)
    assert len(missed) == 4
    assert missed[0].startswith("rps 0.50x")
    assert missed[1].startswith("p95 3.05x")
    assert missed[2] == "13 queries > 12"
    assert missed[3].startswith("2 errors")


def test_a_post_refused_with_a_form_error_is_not_a_success():
    baseline = result("baseline", rps=400, p95=20, queries=3)
    refused = result("POST give input", rps=300, unexpected=50, statuses={"200": 50})
    assert missing([refused], baseline) == {"POST give input": ["50 errors (200: 50)"]}


def test_the_table_has_the_baseline_first_and_ratios_to_it():
    baseline = result("baseline", rps=400, p50=10, p95=20, queries=3)
    rows = table([result("decision list", rps=100, p50=40, p95=80, queries=9)], baseline)
    lines = rows.splitlines()
    assert lines[0].startswith("| page | requests/s | p50 ms | p95 ms | queries |")
    assert lines[2] == "| baseline | 400.0 | 10.0 | 20.0 | 3 | 1.00 | 1.00 | met |"
    assert lines[3] == (
        "| decision list | 100.0 | 40.0 | 80.0 | 9 | 0.25 | 4.00 | "
        "rps 0.25x < 0.5x; p95 4.00x > 3x |"
    )


def test_only_keeps_the_baseline_and_the_pages_named():
    pages = [Page("baseline", "/baseline/", "teacher"), Page("decision list", "/d/", "x")]
    pages.append(Page("district home", "/", "x"))
    assert [p.name for p in select(pages, "home")] == ["baseline", "district home"]
    assert select(pages, "") == pages


def test_posts_carry_the_csrf_cookie_and_header_gets_only_the_session():
    get = Page("decision list", "/decisions/", "superintendent")
    post = Page("POST give input", "/decisions/1/input/", "teacher", method="POST")
    assert headers_for(get, "abc", "token") == ["Cookie: sessionid=abc"]
    assert headers_for(post, "abc", "token") == [
        "Cookie: sessionid=abc; csrftoken=token",
        "X-CSRFToken: token",
        "Content-Type: application/x-www-form-urlencoded",
    ]


def test_post_bodies_are_form_encoded():
    page = Page("p", "/", "teacher", method="POST", data={"kind": "idea", "text": "a b&c"})
    assert page.body == "kind=idea&text=a+b%26c"


def test_interleaved_pages_are_compared_with_the_baseline_samples_around_them():
    samples = [
        result("baseline", rps=r, p95=p, queries=3) for r, p in [(400, 20), (200, 40), (300, 30)]
    ]
    pages = [result("decision list", rps=150, p95=80), result("district home", rps=100, p95=80)]
    nearby = nearby_baselines(pages, samples)
    assert (nearby["decision list"].rps, nearby["decision list"].p95_ms) == (300, 30)
    assert (nearby["district home"].rps, nearby["district home"].p95_ms) == (250, 35)
    baseline = combine_baselines(samples)
    # 150 / 300 = 0.5x and 80 / 30 = 2.67x: met against its neighbours, not against the mean.
    assert "decision list" not in missing(pages, baseline, nearby)
    assert missing(pages, baseline, nearby)["district home"] == ["rps 0.40x < 0.5x"]
