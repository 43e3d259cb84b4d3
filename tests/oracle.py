"""An independent implementation of every METRICS.md figure: pandas over raw rows.

It shares nothing with data_access except the contract text: scopes come from
walking the region tree (not from code prefixes), timestamps are compared as
datetimes, and rates are `numerator / denominator` in Python (None when the
denominator is 0), so govdash's SQL results can be compared with `==`.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

EXCLUDED_STATUSES = ("rejected", "void")
WARNING_LEVELS = ("red", "orange", "yellow", "green")
SATISFIED = ("satisfied", "basically_satisfied")
VILLAGE_CONTAINED = ("grid", "village")
TOWNSHIP_CONTAINED = ("grid", "village", "township")
REPEAT_WINDOW = timedelta(days=365)
END_OF_DAY = time(23, 59, 59)

# The period metrics of a kpis dict and of every breakdown row, in METRICS.md order.
PERIOD_KEYS = (
    "accepted",
    "closed",
    "closure_rate",
    "resolved",
    "resolution_rate",
    "mediation_success_rate",
    "on_time",
    "on_time_rate",
    "rated",
    "satisfied",
    "satisfaction_rate",
    "rating_participation",
    "petitions",
    "petitions_closed",
    "petition_closure_rate",
    "repeat_petitions",
    "repeat_petition_rate",
    "village_contained",
    "village_contained_rate",
    "township_contained",
    "township_contained_rate",
)
RATE_KEYS = frozenset(k for k in PERIOD_KEYS if k.endswith("_rate") or k == "rating_participation")
COUNT_KEYS = tuple(k for k in PERIOD_KEYS if k not in RATE_KEYS)
SNAPSHOT_KEYS = ("open", "overdue_open", "open_by_level", "center_load")
KPI_KEYS = PERIOD_KEYS + ("by_level", "by_source", "by_category") + SNAPSHOT_KEYS
BREAKDOWN_DIMS = ("child", "center", "source", "category", "level", "month")

_DATETIME_COLUMNS = ("accepted_at", "deadline_at", "closed_at", "visited_at")


def rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY)


def resolve_as_of(
    date_from: date, date_to: date, as_of: datetime | date | None, now: datetime | None = None
) -> datetime:
    """METRICS.md: a date D means D 23:59:59; default the end of P, or now if P has not ended."""
    if isinstance(as_of, datetime):
        return as_of
    if isinstance(as_of, date):
        return end_of(as_of)
    period_end = end_of(date_to)
    now = now if now is not None else datetime.now()
    return period_end if period_end <= now else now


def months_between(date_from: date, date_to: date) -> list[str]:
    """Every calendar month overlapping [date_from, date_to], as 'YYYY-MM', in order."""
    out = []
    year, month = date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def yoy_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The same dates one year earlier (29 February becomes 28 February)."""

    def back(d: date) -> date:
        try:
            return d.replace(year=d.year - 1)
        except ValueError:
            return d.replace(year=d.year - 1, day=28)

    return back(date_from), back(date_to)


def mom_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The previous period of the same length; for a calendar month the previous month.

    Read for any run of whole calendar months (a quarter, a year): the same number
    of calendar months just before. Otherwise the same number of days just before.
    """
    whole_months = date_from.day == 1 and (date_to + timedelta(days=1)).day == 1
    if whole_months:
        n = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        index = date_from.year * 12 + date_from.month - 1 - n
        return date(index // 12, index % 12 + 1, 1), date_from - timedelta(days=1)
    length = (date_to - date_from).days + 1
    return date_from - timedelta(days=length), date_from - timedelta(days=1)


class Oracle:
    """METRICS.md over in-memory rows (the same dicts the fixture loader inserts)."""

    def __init__(
        self,
        regions: list[dict[str, Any]],
        grids: list[dict[str, Any]],
        centers: list[dict[str, Any]],
        cases: list[dict[str, Any]],
    ) -> None:
        self.regions = {r["code"]: r for r in regions}
        self.grids = {g["code"]: g for g in grids}
        self.centers = {c["id"]: c for c in centers}
        self.children: dict[str, list[str]] = {}
        for code, region in sorted(self.regions.items()):
            if region["parent_code"]:
                self.children.setdefault(region["parent_code"], []).append(code)
        for code, grid in sorted(self.grids.items()):
            self.children.setdefault(grid["village_code"], []).append(code)
        # For each village, the region code of each of its ancestors by level.
        self.ancestors: dict[str, dict[str, str]] = {}
        for code, region in self.regions.items():
            if region["level"] != "village":
                continue
            chain, current = {}, code
            while current:
                chain[self.regions[current]["level"]] = current
                current = self.regions[current]["parent_code"]
            self.ancestors[code] = chain

        frame = pd.DataFrame(cases)
        for column in _DATETIME_COLUMNS:
            frame[column] = pd.to_datetime(frame[column])
        frame = frame[~frame["status"].isin(EXCLUDED_STATUSES)].copy()
        frame["repeat"] = frame["case_no"].isin(self._repeat_case_nos(frame))
        frame["month"] = frame["accepted_at"].dt.strftime("%Y-%m")
        self.cases = frame.reset_index(drop=True)
        # The same figures are asked for on each engine, with and without rollups.
        self._memo: dict[tuple, Any] = {}

    # ------------------------------------------------------------ building blocks
    @staticmethod
    def _repeat_case_nos(population: pd.DataFrame) -> set[str]:
        """Petitions with another petition of the same key accepted in [t - 365 days, t)."""
        petitions = population[
            (population["kind"] == "petition") & population["petitioner_key"].notna()
        ][["case_no", "petitioner_key", "accepted_at"]]
        pairs = petitions.merge(petitions, on="petitioner_key", suffixes=("", "_prior"))
        hit = (
            (pairs["case_no"] != pairs["case_no_prior"])
            & (pairs["accepted_at_prior"] >= pairs["accepted_at"] - REPEAT_WINDOW)
            & (pairs["accepted_at_prior"] < pairs["accepted_at"])
        )
        return set(pairs.loc[hit, "case_no"])

    def level_of(self, code: str) -> str:
        if code in self.grids:
            return "grid"
        if code in self.regions:
            return self.regions[code]["level"]
        raise KeyError(code)

    def villages_under(self, code: str) -> set[str]:
        """Every village at or below a region, by walking the tree."""
        out, stack = set(), [code]
        while stack:
            current = stack.pop()
            if self.regions[current]["level"] == "village":
                out.add(current)
            else:
                stack.extend(self.children.get(current, []))
        return out

    def scope_mask(self, code: str, frame: pd.DataFrame | None = None) -> pd.Series:
        frame = self.cases if frame is None else frame
        if self.level_of(code) == "grid":
            return frame["grid_code"] == code
        return frame["village_code"].isin(self.villages_under(code))

    def select(
        self,
        region: str,
        *,
        kind: str | None = None,
        source: str | None = None,
        warning_level: str | None = None,
        category: str | None = None,
    ) -> pd.DataFrame:
        """The accepted population in a scope under the filters (no period, no as_of)."""
        frame = self.cases
        mask = self.scope_mask(region, frame)
        for column, value in (
            ("kind", kind),
            ("source", source),
            ("warning_level", warning_level),
            ("category", category),
        ):
            if value is not None:
                mask &= frame[column] == value
        return frame[mask]

    @staticmethod
    def cohort(
        frame: pd.DataFrame, date_from: date, date_to: date, as_of: datetime
    ) -> pd.DataFrame:
        start = datetime.combine(date_from, time(0, 0, 0))
        accepted = frame["accepted_at"]
        return frame[(accepted >= start) & (accepted <= end_of(date_to)) & (accepted <= as_of)]

    @staticmethod
    def open_at(frame: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
        closed_at = frame["closed_at"]
        is_open = (frame["accepted_at"] <= as_of) & (closed_at.isna() | (closed_at > as_of))
        return frame[is_open]

    @staticmethod
    def flags(cohort: pd.DataFrame, as_of: datetime, strict: bool) -> pd.DataFrame:
        """One 0/1 column per counted measure, one row per case of the cohort."""
        is_closed = cohort["closed_at"].notna() & (cohort["closed_at"] <= as_of)
        is_rated = is_closed & cohort["satisfaction"].notna()
        good = ("satisfied",) if strict else SATISFIED
        is_petition = cohort["kind"] == "petition"
        level = cohort["resolved_level"]
        columns = {
            "accepted": pd.Series(True, index=cohort.index),
            "closed": is_closed,
            "resolved": is_closed & (cohort["outcome"] == "resolved"),
            "on_time": is_closed & (cohort["closed_at"] <= cohort["deadline_at"]),
            "rated": is_rated,
            "satisfied": is_rated & cohort["satisfaction"].isin(good),
            "petitions": is_petition,
            "petitions_closed": is_petition & is_closed,
            "repeat_petitions": is_petition & cohort["repeat"],
            "village_contained": is_closed & level.isin(VILLAGE_CONTAINED),
            "township_contained": is_closed & level.isin(TOWNSHIP_CONTAINED),
        }
        return pd.DataFrame({k: v.astype(int) for k, v in columns.items()}, index=cohort.index)

    @staticmethod
    def from_counts(counts: dict[str, int]) -> dict[str, Any]:
        """The period metrics (METRICS.md) from the counted measures."""
        n = {k: int(counts.get(k, 0)) for k in COUNT_KEYS}
        out = {
            "accepted": n["accepted"],
            "closed": n["closed"],
            "closure_rate": rate(n["closed"], n["accepted"]),
            "resolved": n["resolved"],
            "resolution_rate": rate(n["resolved"], n["accepted"]),
            "mediation_success_rate": rate(n["resolved"], n["closed"]),
            "on_time": n["on_time"],
            "on_time_rate": rate(n["on_time"], n["closed"]),
            "rated": n["rated"],
            "satisfied": n["satisfied"],
            "satisfaction_rate": rate(n["satisfied"], n["rated"]),
            "rating_participation": rate(n["rated"], n["closed"]),
            "petitions": n["petitions"],
            "petitions_closed": n["petitions_closed"],
            "petition_closure_rate": rate(n["petitions_closed"], n["petitions"]),
            "repeat_petitions": n["repeat_petitions"],
            "repeat_petition_rate": rate(n["repeat_petitions"], n["petitions"]),
            "village_contained": n["village_contained"],
            "village_contained_rate": rate(n["village_contained"], n["closed"]),
            "township_contained": n["township_contained"],
            "township_contained_rate": rate(n["township_contained"], n["closed"]),
        }
        assert tuple(out) == PERIOD_KEYS
        return out

    def period_metrics(self, cohort: pd.DataFrame, as_of: datetime, strict: bool) -> dict[str, Any]:
        return self.from_counts(self.flags(cohort, as_of, strict).sum().to_dict())

    def center_load(self, open_cases: pd.DataFrame, as_of: datetime) -> list[dict[str, Any]]:
        rows = []
        for center_id, group in open_cases.groupby("center_id"):
            center = self.centers[int(center_id)]
            n_open = len(group)
            staff = center["staff_count"]
            rows.append(
                {
                    "center_id": int(center_id),
                    "name": center["name"],
                    "level": center["level"],
                    "staff_count": staff,
                    "open": n_open,
                    "overdue_open": int((group["deadline_at"] < as_of).sum()),
                    "open_per_staff": n_open / staff if staff else None,
                }
            )
        rows.sort(key=lambda r: (-r["open"], r["center_id"]))
        return rows

    # ------------------------------------------------------------ the public figures
    def _memoized(self, compute, *args: Any, **kwargs: Any) -> Any:
        key = (compute.__name__, args, tuple(sorted(kwargs.items())))
        if key not in self._memo:
            self._memo[key] = compute(*args, **kwargs)
        return copy.deepcopy(self._memo[key])

    def kpis(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Same signature as govdash's metrics.kpis (engine-free)."""
        return self._memoized(self._kpis, *args, **kwargs)

    def breakdown(self, *args: Any, **kwargs: Any) -> dict[Any, dict[str, Any]]:
        """Same signature as govdash's metrics.breakdown, rows keyed by their `key`."""
        return self._memoized(self._breakdown, *args, **kwargs)

    def _kpis(
        self,
        region: str,
        date_from: date,
        date_to: date,
        as_of: datetime | date | None = None,
        *,
        kind: str | None = None,
        source: str | None = None,
        warning_level: str | None = None,
        category: str | None = None,
        strict_satisfaction: bool | None = None,
        now: datetime | None = None,
        **_ignored: Any,
    ) -> dict[str, Any]:
        if date_from > date_to:
            raise ValueError("date_from after date_to")
        moment = resolve_as_of(date_from, date_to, as_of, now)
        scoped = self.select(
            region, kind=kind, source=source, warning_level=warning_level, category=category
        )
        cohort = self.cohort(scoped, date_from, date_to, moment)
        out = self.period_metrics(cohort, moment, bool(strict_satisfaction))
        out["by_level"] = {
            lvl: int((cohort["warning_level"] == lvl).sum()) for lvl in WARNING_LEVELS
        }
        out["by_source"] = {k: int(v) for k, v in cohort["source"].value_counts().items() if v > 0}
        out["by_category"] = {
            k: int(v) for k, v in cohort["category"].value_counts().items() if v > 0
        }
        open_cases = self.open_at(scoped, moment)
        out["open"] = len(open_cases)
        out["overdue_open"] = int((open_cases["deadline_at"] < moment).sum())
        out["open_by_level"] = {
            lvl: int((open_cases["warning_level"] == lvl).sum()) for lvl in WARNING_LEVELS
        }
        out["center_load"] = self.center_load(open_cases, moment)
        assert tuple(out) == KPI_KEYS
        return out

    def _child_of(self, scope_level: str, frame: pd.DataFrame) -> pd.Series:
        """The child region each case falls in ("" for a village's cases without a grid)."""
        if scope_level == "village":
            return frame["grid_code"].fillna("")
        child_level = {"city": "district", "district": "township", "township": "village"}[
            scope_level
        ]
        return frame["village_code"].map(lambda v: self.ancestors[v][child_level])

    def _breakdown(
        self,
        region: str,
        date_from: date,
        date_to: date,
        by: str,
        as_of: datetime | date | None = None,
        *,
        kind: str | None = None,
        source: str | None = None,
        warning_level: str | None = None,
        category: str | None = None,
        strict_satisfaction: bool | None = None,
        now: datetime | None = None,
        **_ignored: Any,
    ) -> dict[Any, dict[str, Any]]:
        """Rows keyed by their `key`, in the order govdash must list them for `month`/`child`.

        For `center`, `source`, `category` and `level` the rows are the groups with at
        least one case in the cohort or open at as_of.
        """
        if date_from > date_to:
            raise ValueError("date_from after date_to")
        moment = resolve_as_of(date_from, date_to, as_of, now)
        scoped = self.select(
            region, kind=kind, source=source, warning_level=warning_level, category=category
        )
        cohort = self.cohort(scoped, date_from, date_to, moment)
        open_cases = self.open_at(scoped, moment)
        strict = bool(strict_satisfaction)
        if by == "month":
            counts = self.flags(cohort, moment, strict).groupby(cohort["month"]).sum()
            counts = counts.to_dict("index")
            return {
                month: {"key": month, **self.from_counts(counts.get(month, {}))}
                for month in months_between(date_from, date_to)
            }
        if by == "child":
            level = self.level_of(region)
            keys: list[Any] = list(self.children.get(region, []))
            group_cohort = self._child_of(level, cohort)
            group_open = self._child_of(level, open_cases)
            # A village's cases without a grid make one more row, listed last.
            if level == "village" and ("" in set(group_cohort) or "" in set(group_open)):
                keys.append("")
        else:
            column = {
                "center": "center_id",
                "source": "source",
                "category": "category",
                "level": "warning_level",
            }[by]
            group_cohort, group_open = cohort[column], open_cases[column]
            keys = sorted(set(group_cohort) | set(group_open))
            if by == "center":
                keys = [int(k) for k in keys]
        per_group = self.flags(cohort, moment, strict).groupby(group_cohort).sum()
        counts = per_group.to_dict("index")
        rows = {}
        for key in keys:
            in_group = open_cases[group_open == key]
            row = {"key": key}
            if by == "child":
                row["name"] = (
                    self.grids[key]["name"]
                    if key in self.grids
                    else self.regions[key]["name"]
                    if key
                    else "未划入网格"
                )
            elif by == "center":
                row["name"] = self.centers[key]["name"]
            row.update(self.from_counts(counts.get(key, {})))
            row["open"] = len(in_group)
            row["overdue_open"] = int((in_group["deadline_at"] < moment).sum())
            rows[key] = row
        return rows


# ---------------------------------------------------------------- comparing govdash with the oracle
def _is_count(value: Any) -> bool:
    return type(value) is int  # not bool, not numpy.int64, not Decimal


def _is_rate(value: Any) -> bool:
    return value is None or (isinstance(value, float) and 0.0 <= value <= 1.0)


def diff_value(key: str, want: Any, got: Any, where: str) -> list[str]:
    """Exact equality plus the contract's types: counts are int, rates float or None."""
    if key in RATE_KEYS:
        if not _is_rate(got) or got != want:
            return [f"{where} {key}: want {want!r}, got {got!r} ({type(got).__name__})"]
        return []
    if isinstance(want, int):
        if not _is_count(got) or got != want:
            return [f"{where} {key}: want {want!r}, got {got!r} ({type(got).__name__})"]
        return []
    if isinstance(want, dict):
        if not isinstance(got, dict) or got != want or not all(_is_count(v) for v in got.values()):
            return [f"{where} {key}: want {want!r}, got {got!r}"]
        return []
    if key == "center_load":
        return diff_center_load(want, got, where)
    if got != want:
        return [f"{where} {key}: want {want!r}, got {got!r}"]
    return []


def diff_center_load(want: list[dict], got: Any, where: str) -> list[str]:
    if not isinstance(got, list) or len(got) != len(want):
        return [f"{where} center_load: want {want!r}, got {got!r}"]
    problems = []
    for i, (w, g) in enumerate(zip(want, got, strict=True)):
        for key, value in w.items():
            actual = g.get(key, "<missing>") if isinstance(g, dict) else "<not a dict>"
            ok = actual == value and (
                (value is None and actual is None)
                or (isinstance(value, int) and _is_count(actual))
                or (isinstance(value, float) and isinstance(actual, float))
                or isinstance(value, str)
            )
            if not ok:
                problems.append(f"{where} center_load[{i}].{key}: want {value!r}, got {actual!r}")
    return problems


def diff_kpis(want: dict[str, Any], got: dict[str, Any], where: str = "") -> list[str]:
    problems = []
    for key in KPI_KEYS:
        if key not in got:
            problems.append(f"{where} {key}: missing")
            continue
        problems += diff_value(key, want[key], got[key], where)
    return problems


def diff_breakdown(
    want: dict[Any, dict[str, Any]], got: list[dict[str, Any]], by: str, where: str = ""
) -> list[str]:
    """Compare breakdown rows with the oracle's (see Oracle.breakdown for the row sets)."""
    where = f"{where} by={by}"
    if not isinstance(got, list) or not all(isinstance(r, dict) and "key" in r for r in got):
        return [f"{where}: not a list of rows with a 'key': {got!r}"]
    keys = [row["key"] for row in got]
    if len(set(keys)) != len(keys):
        return [f"{where}: duplicate keys {keys}"]
    problems = []
    if by == "month" and keys != list(want):
        problems.append(f"{where}: months want {list(want)}, got {keys}")
    elif by == "child" and set(keys) != set(want):
        problems.append(f"{where}: children want {sorted(want)}, got {sorted(keys)}")
    elif by not in ("month", "child"):
        missing = [k for k in want if k not in keys]
        if missing:
            problems.append(f"{where}: rows missing for {missing}")
        for row in got:  # extra groups are tolerated only if they are empty
            if row["key"] not in want and (row.get("accepted") or row.get("open")):
                problems.append(f"{where}: unexpected non-empty row {row!r}")
    if by == "center" and not all(_is_count(k) for k in keys):
        problems.append(f"{where}: center keys must be int ids, got {keys}")
    got_by_key = {row["key"]: row for row in got}
    row_keys = PERIOD_KEYS + (() if by == "month" else ("open", "overdue_open"))
    if by in ("child", "center"):
        row_keys = ("name",) + row_keys
    for key, want_row in want.items():
        if key not in got_by_key:
            continue
        got_row = got_by_key[key]
        for name in row_keys:
            if name not in got_row:
                problems.append(f"{where} [{key}] {name}: missing")
            else:
                problems += diff_value(name, want_row[name], got_row[name], f"{where} [{key}]")
    return problems
