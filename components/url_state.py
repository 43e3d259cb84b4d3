"""The view state every page keeps in its URL query string (so a copied link reopens
the same view): period, kind, source, warning level, region, language.

Parsing never raises: a malformed value falls back to the default and is reported in
`Filters.problems`, so a page can say what it ignored.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

KINDS = ("dispute", "petition", "hotline", "grid_event")
SOURCES = (
    "grid_report",
    "walk_in",
    "hotline_12345",
    "app",
    "court_referral",
    "police_referral",
    "petition_referral",
    "assigned",
)
WARNING_LEVELS = ("red", "orange", "yellow", "green")
PRESETS = ("this_month", "last_month", "this_quarter", "this_year", "last_12_months")
LANGS = ("zh", "en")


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def preset_period(preset: str, today: date) -> tuple[date, date]:
    """本月, 上月, 本季度, 本年, 近12个月 — whole calendar months (to the month's end)."""
    if preset == "this_month":
        return today.replace(day=1), _month_end(today)
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "this_quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = date(today.year, first_month, 1)
        return start, _month_end(date(today.year, first_month + 2, 1))
    if preset == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if preset == "last_12_months":
        start_month = today.month - 11
        start_year = today.year + (start_month - 1) // 12
        start_month = (start_month - 1) % 12 + 1
        return date(start_year, start_month, 1), _month_end(today)
    raise ValueError(preset)


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    preset: str | None = "this_year"
    kind: str | None = None
    source: str | None = None
    warning_level: str | None = None
    region: str | None = None
    lang: str = "zh"
    problems: tuple[str, ...] = field(default=(), compare=False)

    def metric_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for data_access.metrics calls."""
        return {"kind": self.kind, "source": self.source, "warning_level": self.warning_level}

    def query_params(self, **overrides: Any) -> dict[str, str]:
        state = replace(self, **overrides) if overrides else self
        params: dict[str, str] = {}
        if state.preset:
            params["period"] = state.preset
        else:
            params["from"] = state.date_from.isoformat()
            params["to"] = state.date_to.isoformat()
        for key, value in (
            ("kind", state.kind),
            ("source", state.source),
            ("level", state.warning_level),
            ("region", state.region),
        ):
            if value:
                params[key] = value
        if state.lang != "zh":
            params["lang"] = state.lang
        return params

    def query_string(self, **overrides: Any) -> str:
        params = self.query_params(**overrides)
        return "?" + urlencode(params) if params else ""


def _first(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_filters(params: dict[str, Any] | None, today: date | None = None) -> Filters:
    """Filters from URL query parameters (Dash passes them to layout(**params))."""
    params = params or {}
    today = today or date.today()
    problems: list[str] = []

    def choice(name: str, allowed: tuple[str, ...]) -> str | None:
        value = _first(params.get(name))
        if value is None or value == "all":
            return None
        if value not in allowed:
            problems.append(f"{name}={value}")
            return None
        return value

    kind = choice("kind", KINDS)
    source = choice("source", SOURCES)
    level = choice("level", WARNING_LEVELS)
    lang = _first(params.get("lang")) or "zh"
    if lang not in LANGS:
        problems.append(f"lang={lang}")
        lang = "zh"
    region = _first(params.get("region"))
    if region is not None and not (region.isdigit() and len(region) in (6, 9, 12, 15)):
        problems.append(f"region={region}")
        region = None

    raw_from, raw_to = _first(params.get("from")), _first(params.get("to"))
    preset = _first(params.get("period"))
    if raw_from or raw_to:
        try:
            date_from = date.fromisoformat(raw_from) if raw_from else None
            date_to = date.fromisoformat(raw_to) if raw_to else None
        except ValueError:
            problems.append(f"from/to={raw_from}/{raw_to}")
            date_from = date_to = None
        if date_from and date_to and date_from <= date_to:
            return Filters(
                date_from, date_to, None, kind, source, level, region, lang, tuple(problems)
            )
        if date_from and date_to:
            problems.append(f"from {raw_from} after to {raw_to}")
        elif raw_from or raw_to:
            problems.append("from and to must both be given")
        preset = None
    if preset not in PRESETS:
        if preset is not None:
            problems.append(f"period={preset}")
        preset = "this_year"
    date_from, date_to = preset_period(preset, today)
    return Filters(date_from, date_to, preset, kind, source, level, region, lang, tuple(problems))
