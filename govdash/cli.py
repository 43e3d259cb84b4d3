"""The `govdash` command line: init-db, demo, refresh, kpis, breakdown, serve.

Bad input (unknown region, malformed date, `from` after `to`, unreachable database)
prints one line on stderr and exits 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NoReturn

import orjson
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from data_access.engine import DatabaseUnavailable, check_reachable, get_engine, open_engine
from data_access.models import KINDS, SOURCES, WARNING_LEVELS
from data_access.regions import UnknownRegion
from data_access.settings import get_settings

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the person at the keyboard: one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line instead of argparse's usage block.
        self.exit(
            EXIT_USAGE, f"govdash: error: {message} (see `govdash {self._sub_name()}--help`)\n"
        )

    def _sub_name(self) -> str:
        parts = self.prog.split()[1:]
        return " ".join(parts) + " " if parts else ""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _as_of(text: str) -> datetime | date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date or time (YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS'): {text!r}"
        ) from None


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0: {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="govdash", description="govdash: 综治中心 command-center dashboard")
    parser.add_argument(
        "--url", help="database URL (default: GOVDASH_DATABASE_URL or a SQLite file under data/)"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def with_url(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--url", default=argparse.SUPPRESS, help="database URL")
        return p

    with_url(sub.add_parser("init-db", help="create or migrate the schema"))

    demo = with_url(sub.add_parser("demo", help="load the Baotou demo (idempotent)"))
    demo.add_argument("--seed", type=int, default=2024)
    demo.add_argument("--scale", type=_positive_float, default=1.0, help="case volume factor")
    demo.add_argument("--until", type=_date, help="last day of generated data (default: today)")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")

    with_url(sub.add_parser("refresh", help="rebuild the rollup tables from the cases table"))

    def metric_args(p: argparse.ArgumentParser) -> None:
        today = date.today()
        p.add_argument("--region", default=None, help="region or grid code (default: the city)")
        p.add_argument("--from", dest="date_from", type=_date, default=date(today.year, 1, 1))
        p.add_argument("--to", dest="date_to", type=_date, default=today)
        p.add_argument("--as-of", dest="as_of", type=_as_of, default=None)
        p.add_argument("--kind", choices=KINDS)
        p.add_argument("--source", choices=SOURCES)
        p.add_argument("--level", dest="warning_level", choices=WARNING_LEVELS)
        p.add_argument("--category")
        p.add_argument("--strict-satisfaction", action="store_true", default=None)
        p.add_argument("--no-rollups", action="store_true", help="compute from the cases table")
        p.add_argument("--json", action="store_true", help="print JSON")

    kpis = with_url(sub.add_parser("kpis", help="every metric of METRICS.md for one scope"))
    metric_args(kpis)
    breakdown = with_url(sub.add_parser("breakdown", help="metrics per child/center/source/..."))
    metric_args(breakdown)
    breakdown.add_argument(
        "--by", required=True, choices=("child", "center", "source", "category", "level", "month")
    )

    serve = with_url(sub.add_parser("serve", help="run the dashboard"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true")
    return parser


# ------------------------------------------------------------------ commands
def _engine(args: argparse.Namespace, *, create: bool = False):
    url = getattr(args, "url", None) or get_settings().database_url
    engine = get_engine(url) if create else open_engine(url)
    check_reachable(engine)
    return engine


def cmd_init_db(args: argparse.Namespace) -> int:
    from data_access.schema import init_db

    revision = init_db(_engine(args, create=True))
    print(f"schema at revision {revision}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from data_access.demo import load_demo
    from data_access.schema import init_db

    engine = _engine(args, create=True)
    init_db(engine)
    until = (
        datetime.combine(args.until, datetime.max.time()).replace(microsecond=0)
        if args.until
        else None
    )
    summary = load_demo(
        engine, seed=args.seed, scale=args.scale, until=until, progress=not args.quiet
    )
    print(orjson.dumps(summary, default=str).decode())
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from data_access.rollups import refresh_rollups

    version = refresh_rollups(_engine(args))
    print(f"rollups rebuilt, data version {version}")
    return 0


def _metric_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "kind": args.kind,
        "source": args.source,
        "warning_level": args.warning_level,
        "category": args.category,
        "strict_satisfaction": args.strict_satisfaction,
        "use_rollups": False if args.no_rollups else None,
    }


def _region(args: argparse.Namespace, engine) -> str:
    if args.region:
        return args.region
    from data_access.regions import RegionIndex

    top = RegionIndex.load(engine).top_code()
    if top is None:
        raise UsageError("the database has no regions yet: run `govdash demo` or import data")
    return top


def cmd_kpis(args: argparse.Namespace) -> int:
    from data_access.metrics import kpis

    engine = _engine(args)
    result = kpis(
        engine,
        _region(args, engine),
        args.date_from,
        args.date_to,
        args.as_of,
        **_metric_kwargs(args),
    )
    if args.json:
        _print_json(result)
    else:
        _print_kpis(result)
    return 0


def cmd_breakdown(args: argparse.Namespace) -> int:
    from data_access.metrics import breakdown

    engine = _engine(args)
    rows = breakdown(
        engine,
        _region(args, engine),
        args.date_from,
        args.date_to,
        args.by,
        args.as_of,
        **_metric_kwargs(args),
    )
    if args.json:
        _print_json(rows)
    else:
        _print_table(rows, args.by)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    if getattr(args, "url", None):
        os.environ["GOVDASH_DATABASE_URL"] = args.url
    from app import app

    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


COMMANDS = {
    "init-db": cmd_init_db,
    "demo": cmd_demo,
    "refresh": cmd_refresh,
    "kpis": cmd_kpis,
    "breakdown": cmd_breakdown,
    "serve": cmd_serve,
}


# ------------------------------------------------------------------ output
def _print_json(value: Any) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


def _fmt(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key.endswith("_rate") or key == "rating_participation":
        return f"{value * 100:.2f}%"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


LABELS = {
    "accepted": "受理量",
    "closed": "办结量",
    "closure_rate": "办结率",
    "resolved": "化解量",
    "resolution_rate": "化解率",
    "mediation_success_rate": "调解成功率",
    "on_time_rate": "按期办结率",
    "rated": "参评量",
    "satisfaction_rate": "满意率",
    "rating_participation": "参评率",
    "petitions": "信访量",
    "petition_closure_rate": "信访办结率",
    "repeat_petitions": "重复信访量",
    "repeat_petition_rate": "重复信访率",
    "village_contained_rate": "小事不出村率",
    "township_contained_rate": "大事不出镇率",
    "open": "在办量",
    "overdue_open": "超期未办结",
}


def _print_kpis(result: dict[str, Any]) -> None:
    meta = result["meta"]
    print(
        f"{meta['region_name']} ({meta['region']})  {meta['from']} … {meta['to']}  as of {meta['as_of']}"
    )
    for key, label in LABELS.items():
        print(f"  {label:<10} {key:<26} {_fmt(key, result[key])}")
    for key in ("by_level", "open_by_level", "by_source", "by_category"):
        print(f"  {key:<37} " + ", ".join(f"{k} {v}" for k, v in result[key].items()))


def _print_table(rows: list[dict[str, Any]], by: str) -> None:
    columns = [
        "accepted",
        "closed",
        "closure_rate",
        "resolution_rate",
        "on_time_rate",
        "satisfaction_rate",
        "petitions",
        "repeat_petition_rate",
    ]
    if by != "month":
        columns += ["open", "overdue_open"]
    print("\t".join(["key", "name", *columns]))
    for row in rows:
        print("\t".join([str(row["key"]), str(row["name"]), *(_fmt(c, row[c]) for c in columns)]))


# ------------------------------------------------------------------ entry point
def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (UsageError, UnknownRegion, DatabaseUnavailable) as exc:
        return _fail(str(exc))
    except ValueError as exc:
        return _fail(str(exc))
    except (OperationalError, ProgrammingError) as exc:
        message = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if any(sign in message for sign in ("no such table", "no such column", "does not exist")):
            return _fail(f"the database has no govdash schema ({message}): run `govdash init-db`")
        return _fail(f"database error: {message}")
    except DBAPIError as exc:
        return _fail(f"database error: {str(exc.orig).strip().splitlines()[0]}")
    except KeyboardInterrupt:
        return 130


def _fail(message: str) -> int:
    print(f"govdash: error: {message}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
