"""`make bench`: metric latency with and without rollups, on SQLite and PostgreSQL.

For each database (default: the demo at scale 1 and scale 100, each on SQLite and
PostgreSQL) it builds the demo if it is not there (timing the build), then times
`kpis` and every breakdown for a city, district, township and village scope over
1 month, 1 year and 5 years — through the rollups and straight from the cases
table — and reports p50/p95 and the peak memory of the measuring process. Each
database is measured in its own subprocess so memory figures don't mix.

    python -m bench.run                       # both sizes, both engines
    python -m bench.run --scales 1 --engines sqlite --repeat 5
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# (from, to, as_of): as_of None = the default (the period's end, or now). The two
# running months are 本月 as a page shows it on the 1st (a day's first hours: its
# 同比/环比 periods are observed the same way) and in mid-month (closures inside
# as_of's month); "custom" is a period of custom dates, from and to inside months
# (partial edge months, and open/overdue at a moment inside a month).
PERIODS = {
    "1m": (date(2025, 10, 1), date(2025, 10, 31), None),
    "1m day 1": (date(2025, 10, 1), date(2025, 10, 31), datetime(2025, 10, 1, 13, 0)),
    "1m day 17": (date(2025, 10, 1), date(2025, 10, 31), datetime(2025, 10, 17, 13, 0)),
    "custom": (date(2025, 3, 5), date(2025, 6, 17), None),
    "1y": (date(2025, 1, 1), date(2025, 12, 31), None),
    "5y": (date(2021, 1, 1), date(2025, 12, 31), None),
}


def as_of_inside_a_month(period: str) -> bool:
    """Whether the period is seen at a moment inside a month (its own end, or as_of)."""
    _, date_to, as_of = PERIODS[period]
    end_of_day = datetime.max.time().replace(microsecond=0)
    moment = as_of or datetime.combine(date_to, end_of_day)
    at_month_end = moment.time() == end_of_day and (moment + timedelta(days=1)).day == 1
    return not at_month_end


WARM_UP = (date(2024, 3, 1), date(2024, 3, 31))
CALLS = ("kpis", "child", "center", "source", "category", "level", "month")


def database_url(engine: str, scale: float) -> str:
    tag = f"s{scale:g}".replace(".", "_")
    if engine == "sqlite":
        return f"sqlite:///{ROOT / 'data' / f'bench_{tag}.sqlite'}"
    return f"{PG_BASE}?options=-csearch_path%3Dgovdash_bench_{tag}"


def ensure_pg_schema(url: str) -> None:
    from sqlalchemy import create_engine, text

    schema = url.split("search_path%3D", 1)[1]
    engine = create_engine(PG_BASE)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    engine.dispose()


def build(url: str, scale: float, seed: int, until: datetime) -> dict:
    from data_access.demo import load_demo
    from data_access.engine import make_engine
    from data_access.schema import init_db

    if url.startswith("postgresql"):
        ensure_pg_schema(url)
    engine = make_engine(url)
    started = time.perf_counter()
    init_db(engine)
    summary = load_demo(engine, seed=seed, scale=scale, until=until, progress=True)
    seconds = time.perf_counter() - started
    engine.dispose()
    # Keep the time of the build that made this database, so a reused one still reports it.
    log = RESULTS / "builds.json"
    builds = json.loads(log.read_text()) if log.exists() else {}
    if not summary.get("skipped"):
        builds[url] = {"seconds": round(seconds, 1), "scale": scale, "seed": seed}
        log.write_text(json.dumps(builds, indent=2))
    return {**summary, "seconds": builds.get(url, {}).get("seconds")}


def scopes(engine) -> dict[str, str]:
    """A city, its largest district's first township with villages, and a village."""
    from data_access.regions import RegionIndex

    index = RegionIndex.load(engine)
    city = index.top_code()
    district = "150203" if "150203" in index.regions else index.child_codes(city)[0]
    township = next(c for c in index.child_codes(district) if index.child_codes(c))
    village = index.child_codes(township)[0]
    return {"city": city, "district": district, "township": township, "village": village}


def measure(
    url: str,
    repeat: int,
    straight_repeat: int,
    straight_calls: tuple[str, ...],
    periods: tuple[str, ...] = tuple(PERIODS),
) -> dict:
    from data_access import metrics
    from data_access.engine import make_engine

    engine = make_engine(url)
    regions = scopes(engine)
    # Untimed calls first, one per scope and call on a month outside the measured
    # periods: the connection pool, the reference data (regions, centers, grids) and
    # the compilation of each statement's shape happen once per serving process, long
    # before the requests that matter. The very first call's time is reported apart.
    started = time.perf_counter()
    metrics.kpis(engine, regions["city"], date(2024, 1, 1), date(2024, 12, 31))
    first_call_ms = round((time.perf_counter() - started) * 1000, 1)
    # (Through the rollups only: the straight queries' first compilation is lost in
    # their seconds, and their memory must not count as the rollup path's.)
    for code in regions.values():
        for call in CALLS:
            if call == "kpis":
                metrics.kpis(engine, code, *WARM_UP)
            else:
                metrics.breakdown(engine, code, *WARM_UP, call)
    rows = []
    peak_mb = {}
    # Every call through the rollups first, then the straight ones: the memory peak
    # after the first pass is what a serving process needs.
    for use_rollups in (True, False):
        for scope, code in regions.items():
            for period_name in periods:
                date_from, date_to, as_of = PERIODS[period_name]
                for call in CALLS:
                    if not use_rollups and call not in straight_calls:
                        continue
                    timings = []
                    for _ in range(repeat if use_rollups else straight_repeat):
                        started = time.perf_counter()
                        if call == "kpis":
                            metrics.kpis(
                                engine, code, date_from, date_to, as_of, use_rollups=use_rollups
                            )
                        else:
                            metrics.breakdown(
                                engine, code, date_from, date_to, call, as_of,
                                use_rollups=use_rollups,
                            )  # fmt: skip
                        timings.append((time.perf_counter() - started) * 1000)
                    rows.append(
                        {
                            "scope": scope,
                            "period": period_name,
                            "call": call,
                            "rollups": use_rollups,
                            "p50_ms": round(statistics.median(timings), 1),
                            "p95_ms": round(_p95(timings), 1),
                        }
                    )
        peak_mb["rollups" if use_rollups else "with_straight"] = _peak_rss_mb()
    with engine.connect() as conn:
        from sqlalchemy import func, select

        from data_access.models import Case, RollupCohort, RollupOpen

        counts = {
            "cases": conn.execute(select(func.count()).select_from(Case)).scalar(),
            "rollup_cohort_rows": conn.execute(
                select(func.count()).select_from(RollupCohort)
            ).scalar(),
            "rollup_open_rows": conn.execute(select(func.count()).select_from(RollupOpen)).scalar(),
        }
    return {
        "url": url,
        "scopes": regions,
        "rows": rows,
        "peak_rss_mb": peak_mb["rollups"],
        "peak_rss_with_straight_mb": peak_mb["with_straight"],
        "first_call_ms": first_call_ms,
        **counts,
    }


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Not getrusage's ru_maxrss: that
    survives exec, so a worker would report the peak of the parent that built the demo."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _ms(value: float | None) -> str:
    return "not timed" if value is None else f"{value} ms"


def report(results: list[dict]) -> str:
    lines = []
    for result in results:
        lines.append(
            f"\n### {result['label']}: {result['cases']:,} cases, rollup rows "
            f"{result['rollup_cohort_rows']:,} cohort + {result['rollup_open_rows']:,} open; "
            f"build {result['build'].get('seconds')} s; peak RSS {result['peak_rss_mb']} MB "
            f"through the rollups ({result.get('peak_rss_with_straight_mb')} MB after the "
            "straight queries); "
            f"first call of the process (untimed warm-up) {result.get('first_call_ms')} ms\n"
        )
        lines.append(
            "| scope | period | call | rollups p50 / p95 ms | straight p50 / p95 ms | speed-up (p50) |"
        )
        lines.append("|---|---|---|---|---|---|")
        by_key = {(r["scope"], r["period"], r["call"], r["rollups"]): r for r in result["rows"]}
        worst: dict[bool, float | None] = {True: None, False: None}  # by "as_of inside a month"
        for scope in ("city", "district", "township", "village"):
            for period in PERIODS:
                for call in CALLS:
                    fast = by_key.get((scope, period, call, True))
                    if fast is None:  # a period left out (--periods)
                        continue
                    slow = by_key.get((scope, period, call, False))
                    inside = as_of_inside_a_month(period)
                    worst[inside] = max(worst[inside] or 0.0, fast["p95_ms"])
                    if slow is None:
                        straight, ratio = "not timed", "—"
                    else:
                        straight = f"{slow['p50_ms']} / {slow['p95_ms']}"
                        ratio = f"{slow['p50_ms'] / max(fast['p50_ms'], 0.01):.1f}×"
                    lines.append(
                        f"| {scope} | {period} | {call} | {fast['p50_ms']} / {fast['p95_ms']} | "
                        f"{straight} | {ratio} |"
                    )
        lines.append(
            f"\nworst p95 through rollups: {_ms(worst[False])} over the periods seen at a "
            f"month end (1m, 1y, 5y); {_ms(worst[True])} over those seen inside a month (the "
            "running months and the custom dates: the stored snapshot of the month end "
            "before, plus what changed since, from the cases table)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,100", help="comma-separated demo scales")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--straight-repeat",
        type=int,
        default=3,
        help="repeats of the straight (no-rollup) queries, slow at 10M cases",
    )
    parser.add_argument(
        "--straight-calls",
        default=",".join(CALLS),
        help="calls also timed straight from the cases table (default: all)",
    )
    parser.add_argument(
        "--periods",
        default=",".join(PERIODS),
        help=f"comma-separated periods to time (default: all of {', '.join(PERIODS)})",
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--until", default="2026-11-21", help="demo end date (fixed so builds are reused)"
    )
    parser.add_argument(
        "--build-only", action="store_true", help="build the demo databases, measure nothing"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if unknown := set(args.periods.split(",")) - set(PERIODS):
        parser.error(f"unknown period(s) {', '.join(sorted(unknown))}; known: {', '.join(PERIODS)}")

    if args.worker:  # measuring subprocess: one database
        calls = tuple(args.straight_calls.split(","))
        periods = tuple(args.periods.split(","))
        print(json.dumps(measure(args.worker, args.repeat, args.straight_repeat, calls, periods)))
        return 0

    until = datetime.combine(date.fromisoformat(args.until), datetime.max.time()).replace(
        microsecond=0
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in (float(s) for s in args.scales.split(",")):
        for engine in args.engines.split(","):
            url = database_url(engine, scale)
            print(f"== {engine} scale {scale:g}: building if needed …", file=sys.stderr, flush=True)
            built = build(url, scale, args.seed, until)
            print(f"   build: {built}", file=sys.stderr, flush=True)
            if args.build_only:
                continue
            output = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.run",
                    "--worker",
                    url,
                    "--repeat",
                    str(args.repeat),
                    "--straight-repeat",
                    str(args.straight_repeat),
                    "--straight-calls",
                    args.straight_calls,
                    "--periods",
                    args.periods,
                ],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            result["label"] = f"{engine}, scale {scale:g}"
            result["build"] = built
            results.append(result)
            print(report([result]), flush=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(results, indent=2, default=str))
    (RESULTS / f"bench-{stamp}.md").write_text(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
