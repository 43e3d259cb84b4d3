"""How numbers are written on screen: rates with two decimals (96.71%), counts with
thousands separators, missing values as "—", changes in pp (rates) or % (counts)."""

from __future__ import annotations

from typing import Any

from .i18n import t

DASH = "—"

# Metrics where a rise is bad news (the arrow turns red when they go up).
LOWER_IS_BETTER = frozenset(
    {"overdue_open", "repeat_petitions", "repeat_petition_rate", "open", "open_per_staff"}
)
# Plain ratios (not percentages), shown with two decimals.
RATIO_KEYS = frozenset({"open_per_staff", "score"})
# Metrics where a change is neither good nor bad (volumes).
NEUTRAL = frozenset({"accepted", "petitions", "closed", "rated"})


def is_rate(key: str) -> bool:
    return key.endswith("_rate") or key == "rating_participation"


def format_rate(value: float | None) -> str:
    if value is None:
        return DASH
    return f"{value * 100:.2f}%"


def format_count(value: int | float | None) -> str:
    if value is None:
        return DASH
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def format_value(key: str, value: Any) -> str:
    """A metric value as shown on a tile or in a table."""
    if value is None:
        return DASH
    if is_rate(key):
        return format_rate(value)
    if key in RATIO_KEYS:
        return f"{value:,.2f}"
    return format_count(value)


def format_change(change: dict[str, Any] | None, lang: str = "zh") -> str:
    """'▲ 1.23 pp' / '▼ 4.50%' / '— ' for a compare() change entry."""
    if not change or change.get("value") is None:
        return DASH
    value = float(change["value"])
    arrow = "▲" if value > 0 else "▼" if value < 0 else "＝"
    magnitude = abs(value)
    if change.get("unit") == "pp":
        return f"{arrow} {magnitude:.2f} pp"
    return f"{arrow} {magnitude:.2f}%"


def change_tone(key: str, change: dict[str, Any] | None) -> str:
    """'good', 'bad' or 'neutral' for colouring a change arrow."""
    if not change or not change.get("value"):
        return "neutral"
    if key in NEUTRAL:
        return "neutral"
    rising = change["value"] > 0
    if key in LOWER_IS_BETTER:
        rising = not rising
    return "good" if rising else "bad"


def period_label(date_from: Any, date_to: Any, lang: str = "zh") -> str:
    """'2024-01-01 至 2024-12-31' / '2024-01-01 – 2024-12-31'."""
    sep = " 至 " if lang != "en" else " – "
    return f"{date_from}{sep}{date_to}"


def status_label(status: str | None, lang: str = "zh") -> str:
    return t(f"status.{status}", lang) if status else ""
