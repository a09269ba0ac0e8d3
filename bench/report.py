"""The benchmark's arithmetic: read wrk's output, compare with the baseline, write the table.

Pure functions without Django, so the test suite checks them without a server or wrk.
"""

import json
from dataclasses import dataclass, field

# The targets of issue 6, on the scale dataset.
MIN_RPS_RATIO = 0.5  # every key page at least half the baseline's requests/s
MAX_P95_RATIO = 3.0  # and its p95 at most three times the baseline's
MAX_QUERIES = 12  # queries per request, constant in data size

MARKER = "BENCH_JSON "


@dataclass
class Result:
    """One page's figures: from wrk (rps, latency, statuses) and from the in-process count."""

    page: str
    rps: float
    p50_ms: float
    p95_ms: float
    requests: int = 0
    queries: int | None = None
    unexpected: int = 0
    socket_errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.unexpected + self.socket_errors


def parse_wrk(page: str, output: str) -> Result:
    """The figures from the `BENCH_JSON {...}` line that bench/page.lua's done() prints."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line.removeprefix(MARKER))
            return Result(
                page=page,
                rps=float(data["rps"]),
                p50_ms=float(data["p50_ms"]),
                p95_ms=float(data["p95_ms"]),
                requests=int(data["requests"]),
                unexpected=int(data["unexpected"]),
                socket_errors=int(data["socket_errors"]),
                statuses={str(code): int(n) for code, n in data["statuses"].items()},
            )
    raise ValueError(f"{page}: wrk printed no {MARKER.strip()} line:\n{output}")


def combine_baselines(samples: list[Result]) -> Result:
    """The baseline measured at the start and the end of a run: their mean."""
    if not samples:
        raise ValueError("no baseline measured")
    n = len(samples)
    statuses: dict[str, int] = {}
    for sample in samples:
        for code, count in sample.statuses.items():
            statuses[code] = statuses.get(code, 0) + count
    return Result(
        page="baseline",
        rps=sum(s.rps for s in samples) / n,
        p50_ms=sum(s.p50_ms for s in samples) / n,
        p95_ms=sum(s.p95_ms for s in samples) / n,
        requests=sum(s.requests for s in samples),
        queries=samples[0].queries,
        unexpected=sum(s.unexpected for s in samples),
        socket_errors=sum(s.socket_errors for s in samples),
        statuses=statuses,
    )


def ratios(result: Result, baseline: Result) -> tuple[float, float]:
    """(requests/s ÷ the baseline's, p95 ÷ the baseline's)."""
    rps = result.rps / baseline.rps if baseline.rps else 0.0
    p95 = result.p95_ms / baseline.p95_ms if baseline.p95_ms else float("inf")
    return rps, p95


def missed_targets(result: Result, baseline: Result) -> list[str]:
    """What this page misses: speed next to the baseline, queries, refused or failed requests."""
    rps_ratio, p95_ratio = ratios(result, baseline)
    missed = []
    if rps_ratio < MIN_RPS_RATIO:
        missed.append(f"rps {rps_ratio:.2f}x < {MIN_RPS_RATIO}x")
    if p95_ratio > MAX_P95_RATIO:
        missed.append(f"p95 {p95_ratio:.2f}x > {MAX_P95_RATIO:g}x")
    if result.queries is None:
        missed.append("queries not counted")
    elif result.queries > MAX_QUERIES:
        missed.append(f"{result.queries} queries > {MAX_QUERIES}")
    if result.errors:
        missed.append(f"{result.errors} errors ({status_mix(result)})")
    if not result.requests:
        missed.append("no requests")
    return missed


def status_mix(result: Result) -> str:
    parts = [f"{code}: {n}" for code, n in sorted(result.statuses.items())]
    if result.socket_errors:
        parts.append(f"socket errors: {result.socket_errors}")
    return ", ".join(parts) or "no responses"


def table(results: list[Result], baseline: Result, nearby: dict[str, Result] | None = None) -> str:
    """The markdown table: one row per page, the baseline first, ratios to it.

    `nearby` gives a page its own baseline (measured just before and after it, with
    --interleave); otherwise every page is compared with `baseline`.
    """
    nearby = nearby or {}
    lines = [
        "| page | requests/s | p50 ms | p95 ms | queries | rps ÷ baseline | p95 ÷ baseline | targets |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in [baseline, *results]:
        compared = nearby.get(result.page, baseline)
        rps_ratio, p95_ratio = ratios(result, compared)
        missed = missed_targets(result, compared)
        lines.append(
            f"| {result.page} | {result.rps:.1f} | {result.p50_ms:.1f} | {result.p95_ms:.1f} | "
            f"{'?' if result.queries is None else result.queries} | {rps_ratio:.2f} | "
            f"{p95_ratio:.2f} | {'; '.join(missed) if missed else 'met'} |"
        )
    return "\n".join(lines)


def missing(
    results: list[Result], baseline: Result, nearby: dict[str, Result] | None = None
) -> dict[str, list[str]]:
    """Every page that misses a target, with what it misses."""
    nearby = nearby or {}
    return {
        result.page: found
        for result in [baseline, *results]
        if (found := missed_targets(result, nearby.get(result.page, baseline)))
    }


def nearby_baselines(results: list[Result], samples: list[Result]) -> dict[str, Result]:
    """With --interleave, page i sits between baseline samples i and i+1: their mean is its own."""
    if len(samples) != len(results) + 1:
        return {}
    return {result.page: combine_baselines(samples[i : i + 2]) for i, result in enumerate(results)}
