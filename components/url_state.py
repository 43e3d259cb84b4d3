"""The view state every page keeps in its URL query string (so a copied link reopens
the same view): period, kind, source, warning level, region, language.

Parsing never raises: a malformed value falls back to the default and is reported in
`Filters.problems`, so a page can say what it ignored.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import MAXYEAR, date, timedelta
from typing import Any
from urllib.parse import urlencode

from .i18n import t

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
DEFAULT_PRESET = "this_year"
REGION_CODE_LENGTHS = (6, 9, 12, 15)  # district, township, village, grid (city: 6)


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


def is_ascii_digits(text: str) -> bool:
    """Only 0-9: str.isdigit also takes "²" and "①" (int() refuses them) and "１２"."""
    return text.isascii() and text.isdigit()


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
    # The deployment's language (GOVDASH_LANG): links name lang= only when they differ.
    default_lang: str = field(default="zh", compare=False)

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
        if state.lang != state.default_lang:
            params["lang"] = state.lang
        return params

    def query_string(self, **overrides: Any) -> str:
        params = self.query_params(**overrides)
        return "?" + urlencode(params) if params else ""


def _values(value: Any) -> list[str]:
    """The non-blank values of a parameter (Dash gives a list for a repeated key)."""
    items = value if isinstance(value, list | tuple) else [value]
    out = []
    for item in items:
        text = "" if item is None else str(item).strip()
        if text:
            out.append(text)
    return out


def _first(value: Any) -> str | None:
    values = _values(value)
    return values[0] if values else None


# Custom dates are taken from this day to the end of the year MAX_YEARS_AHEAD after
# today: earlier or later ones are typos (or probes), and the 同比/环比 and trend
# arithmetic has no use for them (year 1 has no year before it, 9999 no month after).
MIN_DATE = date(2000, 1, 1)
MAX_YEARS_AHEAD = 5
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHOWN_MAX = 40  # characters of an ignored value shown in a message


def date_bounds(today: date | None = None) -> tuple[date, date]:
    """The first and last day a URL's from/to may name."""
    today = today or date.today()
    return MIN_DATE, date(min(today.year + MAX_YEARS_AHEAD, MAXYEAR - 1), 12, 31)


def shown_value(value: str) -> str:
    """An ignored value as a message shows it: on one line, at most _SHOWN_MAX characters."""
    value = " ".join(value.split())  # no line breaks or tabs in a one-line message
    return value if len(value) <= _SHOWN_MAX else value[: _SHOWN_MAX - 1] + "…"


class _Problems:
    """What the parser ignored, as messages in the page's language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.entries: list[tuple[str, dict[str, str]]] = []

    def add(self, key: str, name: str, value: str, **extra: str) -> None:
        self.entries.append((key, {"name": name, "value": shown_value(value), **extra}))

    def then(self, text: str) -> None:
        """Add what is shown instead to the last message."""
        self.entries[-1][1]["then"] = text

    def messages(self) -> tuple[str, ...]:
        return tuple(
            t(f"problem.{key}", self.lang).format_map({"then": "", **fields})
            for key, fields in self.entries
        )


def _one(params: dict[str, Any], name: str, problems: _Problems) -> str | None:
    """The parameter's first value; every other (different) value is reported."""
    values = _values(params.get(name))
    for extra in dict.fromkeys(values[1:]):
        if extra != values[0]:
            problems.add("repeated", name, extra)
    return values[0] if values else None


def _day(name: str, raw: str, bounds: tuple[date, date], problems: _Problems) -> date | None:
    """A from/to date, or None (reported) when it is malformed or out of range."""
    day = None
    if _ISO_DAY.fullmatch(raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            day = None
    if day is None:
        problems.add("bad_date", name, raw)
        return None
    if not bounds[0] <= day <= bounds[1]:
        low, high = (d.isoformat() for d in bounds)
        problems.add("date_range", name, raw, low=low, high=high)
        return None
    return day


def parse_filters(
    params: dict[str, Any] | None, today: date | None = None, default_lang: str = "zh"
) -> Filters:
    """Filters from URL query parameters (Dash passes them to layout(**params)).

    Never raises. Whatever it ignores (a malformed or unknown value, a date out of
    `date_bounds`, from after to, one of from/to alone, a period beside from/to, a
    repeated key's other values) is named with its value in `Filters.problems`, in the
    page's language (`default_lang` when lang= is missing or unknown)."""
    params = params or {}
    today = today or date.today()
    default_lang = default_lang if default_lang in LANGS else "zh"

    raw_langs = _values(params.get("lang"))
    lang = raw_langs[0] if raw_langs and raw_langs[0] in LANGS else default_lang
    problems = _Problems(lang)
    raw_lang = _one(params, "lang", problems)
    if raw_lang is not None and raw_lang not in LANGS:
        problems.add("lang", "lang", raw_lang)

    def choice(name: str, allowed: tuple[str, ...]) -> str | None:
        value = _one(params, name, problems)
        if value is None or value == "all":
            return None
        if value not in allowed:
            problems.add("choice", name, value)
            return None
        return value

    kind = choice("kind", KINDS)
    source = choice("source", SOURCES)
    level = choice("level", WARNING_LEVELS)
    region = _one(params, "region", problems)
    if region is not None and not (is_ascii_digits(region) and len(region) in REGION_CODE_LENGTHS):
        problems.add("region", "region", region)
        region = None

    raw_preset = _one(params, "period", problems)
    raw_from = _one(params, "from", problems)
    raw_to = _one(params, "to", problems)
    rest = (kind, source, level, region, lang)
    preset = raw_preset if raw_preset in PRESETS else DEFAULT_PRESET
    if raw_from or raw_to:
        bounds = date_bounds(today)
        date_from = _day("from", raw_from, bounds, problems) if raw_from else None
        date_to = _day("to", raw_to, bounds, problems) if raw_to else None
        if date_from and date_to and date_from <= date_to:
            if raw_preset is not None:
                problems.add("period_with_dates", "period", raw_preset)
            return Filters(date_from, date_to, None, *rest, problems.messages(), default_lang)
        if date_from and date_to:
            problems.add("date_order", "from", raw_from, to=shown_value(raw_to))
        # a valid date without a valid other one does not make a period
        elif date_from:
            problems.add("date_alone", "from", raw_from, other="to")
        elif date_to:
            problems.add("date_alone", "to", raw_to, other="from")
        # the last date message says which period is shown instead
        problems.then(t("problem.dates_default", lang).format(period=t(f"period.{preset}", lang)))
    if raw_preset is not None and raw_preset not in PRESETS:
        problems.add("period", "period", raw_preset, default=t(f"period.{preset}", lang))
    date_from, date_to = preset_period(preset, today)
    return Filters(date_from, date_to, preset, *rest, problems.messages(), default_lang)
