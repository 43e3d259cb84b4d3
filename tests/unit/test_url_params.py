"""The URL parser (components/url_state.py parse_filters) against anything a link can
carry: it never raises, always gives a period inside the sane date range, and names
every parameter value it ignored, in the page's language."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from components.url_state import (
    KINDS,
    LANGS,
    MIN_DATE,
    PRESETS,
    SOURCES,
    WARNING_LEVELS,
    date_bounds,
    is_ascii_digits,
    parse_filters,
    preset_period,
    shown_value,
)
from data_access.metrics import comparison_periods, previous_period, shift_years
from pages._region_view import shift_year, trend_window

TODAY = date(2026, 12, 2)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PARAMS = ("period", "from", "to", "kind", "source", "level", "lang", "region")


# ------------------------------------------------------------------ strategies
def iso(day: date) -> str:
    return day.isoformat()


any_day = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(iso)
near_day = st.dates(min_value=date(1995, 1, 1), max_value=date(2040, 12, 31)).map(iso)
edge_day = st.sampled_from(
    ["0001-01-01", "9999-12-31", "1999-12-31", "2000-01-01", "2031-12-31", "2032-01-01"]
)
bad_day = st.sampled_from(
    ["2024-13-01", "2024-02-30", "2024-1-1", "20240101", "2024-W01-1", "yesterday", "-1"]
)
text = st.text(max_size=60)
blank = st.sampled_from(["", " ", "\t"])

VALUES: dict[str, st.SearchStrategy[str]] = {
    "period": st.one_of(st.sampled_from([*PRESETS, "custom", "this_week"]), text),
    "from": st.one_of(near_day, any_day, edge_day, bad_day, text),
    "to": st.one_of(near_day, any_day, edge_day, bad_day, text),
    "kind": st.one_of(st.sampled_from([*KINDS, "all", "Dispute"]), text),
    "source": st.one_of(st.sampled_from([*SOURCES, "all"]), text),
    "level": st.one_of(st.sampled_from([*WARNING_LEVELS, "all", "blue"]), text),
    "lang": st.one_of(st.sampled_from([*LANGS, "EN", "fr", "zh-CN"]), text),
    "region": st.one_of(
        st.sampled_from(["150203", "150203001", "150203001021", "150203001021004"]),
        st.sampled_from(["15020", "1502031", "１５０２０３", "150203 OR 1=1", "-150203"]),
        st.from_regex(r"[0-9]{1,16}", fullmatch=True),
        text,
    ),
}


@st.composite
def url_params(draw) -> dict[str, Any]:
    """What Dash passes a layout: a string per key, a list for a repeated key."""
    params: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(PARAMS), unique=True)):
        value = st.one_of(VALUES[name], blank)
        if draw(st.booleans()):
            params[name] = draw(value)
        else:
            params[name] = draw(st.lists(value, min_size=2, max_size=3))
    return params


def non_blank(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


# ------------------------------------------------------------------ the property
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    params=url_params(),
    today=st.dates(min_value=date(2001, 1, 1), max_value=date(2100, 12, 31)),
    default_lang=st.sampled_from(LANGS),
)
@example(params={"from": "2024-13-01", "to": "2024-12-31"}, today=TODAY, default_lang="zh")
@example(params={"from": "0001-01-01", "to": "9999-12-31"}, today=TODAY, default_lang="zh")
@example(params={"from": "2024-12-31", "to": "2024-01-01"}, today=TODAY, default_lang="en")
@example(
    params={"period": ["this_month", "last_month"], "from": "2024-01-01", "to": "2024-12-31"},
    today=TODAY,
    default_lang="zh",
)
def test_the_parser_never_fails_and_names_what_it_ignored(params, today, default_lang):
    filters = parse_filters(params, today=today, default_lang=default_lang)
    low, high = date_bounds(today)

    # a valid period inside the sane range
    assert filters.date_from <= filters.date_to
    assert low <= filters.date_from and filters.date_to <= high
    if filters.preset is not None:
        assert filters.preset in PRESETS
        assert (filters.date_from, filters.date_to) == preset_period(filters.preset, today)

    values = {name: non_blank(params.get(name)) for name in PARAMS}
    problems = filters.problems

    def named(name: str, value: str) -> bool:
        return any(f"{name}={shown_value(value)}" in p for p in problems)

    # the first value of a key is the one read; every other different one is reported
    for name in PARAMS:
        for extra in values[name][1:]:
            if extra != values[name][0]:
                assert named(name, extra), (name, extra, problems)
    first = {name: (vals[0] if vals else None) for name, vals in values.items()}

    # the language: the URL's when known, else the default
    if first["lang"] in LANGS:
        assert filters.lang == first["lang"]
    else:
        assert filters.lang == default_lang
        if first["lang"] is not None:
            assert named("lang", first["lang"])

    # kind, source, level, region: used as given, or reported and left out
    for name, attr, allowed in (
        ("kind", "kind", KINDS),
        ("source", "source", SOURCES),
        ("level", "warning_level", WARNING_LEVELS),
    ):
        value = first[name]
        if value in allowed:
            assert getattr(filters, attr) == value
        else:
            assert getattr(filters, attr) is None
            if value not in (None, "all"):
                assert named(name, value)
    if filters.region is not None:
        assert filters.region == first["region"]
        assert filters.region.isdigit() and len(filters.region) in (6, 9, 12, 15)
    elif first["region"] is not None:
        assert named("region", first["region"])

    # the period: custom dates exactly as given, else every date given is reported
    if filters.preset is None:
        assert (iso(filters.date_from), iso(filters.date_to)) == (first["from"], first["to"])
        if first["period"] is not None:
            assert named("period", first["period"])
    else:
        for name in ("from", "to"):
            if first[name] is not None:
                assert named(name, first[name]), (name, problems)
        if first["period"] is not None and first["period"] != filters.preset:
            assert named("period", first["period"])

    # every message is in the page's language
    for message in problems:
        if filters.lang == "en":
            rest = message
            # The values quoted, longest first (one may hold another: "£" in "£一").
            quoted = sorted(
                (shown_value(value) for vals in values.values() for value in vals),
                key=len,
                reverse=True,
            )
            for text in quoted:
                rest = rest.replace(text, "")
            assert not CJK.search(rest), message
        else:
            assert "（" in message, message


# ------------------------------------------------------------------ the audit's URLs
def test_a_malformed_date_is_named_accurately_in_chinese():
    filters = parse_filters({"from": "2024-13-01", "to": "2024-12-31"}, today=TODAY)
    assert filters.preset == "this_year"
    assert filters.problems == (
        "from=2024-13-01（不是有效日期，应为YYYY-MM-DD）",
        "to=2024-12-31（须与有效的 from 同时给出；改用本年）",
    )
    assert not any("must both be given" in p for p in filters.problems)


def test_a_malformed_date_is_named_in_english_with_lang_en():
    filters = parse_filters({"from": "2024-13-01", "to": "2024-12-31", "lang": "en"}, today=TODAY)
    assert filters.problems == (
        "from=2024-13-01 (not a valid date, expected YYYY-MM-DD)",
        "to=2024-12-31 (needs a valid from as well; showing This year instead)",
    )


def test_the_default_language_of_the_messages_follows_the_setting():
    """GOVDASH_LANG=en: pages/_common.py page_filters passes default_lang="en"."""
    filters = parse_filters({"kind": "x", "lang": "fr"}, today=TODAY, default_lang="en")
    assert filters.lang == "en"
    assert filters.problems == (
        "lang=fr (unsupported language; use zh or en)",
        "kind=x (not one of the choices)",
    )


def test_extreme_dates_are_refused_with_the_range():
    filters = parse_filters({"from": "0001-01-01", "to": "9999-12-31"}, today=TODAY)
    assert (filters.preset, filters.date_from, filters.date_to) == (
        "this_year",
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert filters.problems == (
        "from=0001-01-01（超出可查询范围 2000-01-01 至 2031-12-31）",
        "to=9999-12-31（超出可查询范围 2000-01-01 至 2031-12-31；改用本年）",
    )


def test_the_bounds_themselves_are_accepted():
    low, high = date_bounds(TODAY)
    assert (low, high) == (MIN_DATE, date(2031, 12, 31))
    filters = parse_filters({"from": iso(low), "to": iso(high)}, today=TODAY)
    assert (filters.date_from, filters.date_to, filters.problems) == (low, high, ())


def test_swapped_dates_name_both_and_a_valid_period_is_kept():
    filters = parse_filters(
        {"from": "2024-12-31", "to": "2024-01-01", "period": "last_month"}, today=TODAY
    )
    assert filters.preset == "last_month"
    assert filters.problems == ("from=2024-12-31 晚于 to=2024-01-01（两者均已忽略；改用上月）",)


def test_a_period_beside_dates_and_repeated_keys_are_reported():
    filters = parse_filters(
        {
            "period": "this_month",
            "from": ["2024-01-01", "2024-01-01"],
            "to": "2024-03-31",
            "kind": ["petition", "dispute"],
        },
        today=TODAY,
    )
    assert (filters.date_from, filters.date_to, filters.kind) == (
        date(2024, 1, 1),
        date(2024, 3, 31),
        "petition",
    )
    assert filters.problems == (
        "kind=dispute（参数重复，只使用第一个值）",
        "period=this_month（已按 from/to 的日期统计）",
    )


def test_long_or_multiline_values_are_shown_on_one_short_line():
    filters = parse_filters({"region": "<script>\n" + "x" * 200}, today=TODAY)
    (message,) = filters.problems
    assert "\n" not in message and len(message) < 120
    assert message.startswith("region=<script> xxx") and "…" in message


def test_a_clean_url_has_no_problems():
    for params in (
        {},
        {"period": "this_month"},
        {"from": "2024-01-01", "to": "2024-12-31", "kind": "all", "lang": "en"},
        {"region": "150203001021004", "source": "walk_in", "level": "red"},
        {"kind": "", "from": " ", "lang": ""},  # blank values are absent ones
    ):
        assert parse_filters(params, today=TODAY).problems == ()


# ------------------------------------------------------------------ the sane range
@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (MIN_DATE, MIN_DATE),
        (MIN_DATE, date(2031, 12, 31)),
        (date(2031, 12, 31), date(2031, 12, 31)),
        (date(2000, 2, 29), date(2000, 2, 29)),
    ],
)
def test_the_range_is_safe_for_comparisons_and_the_trend(date_from, date_to):
    """同比 (a year back), 环比 (the same length back) and the trend's months at the
    range's ends: no date arithmetic overflows."""
    as_of = datetime.combine(date_to, time.max)
    periods = comparison_periods(date_from, date_to, as_of)
    assert set(periods) == {"yoy", "mom"}
    mom_from, _mom_to = previous_period(date_from, date_to)
    assert mom_from >= date(1960, 1, 1)
    assert shift_years(date_from, -1).year == date_from.year - 1
    assert shift_year(date_to) < date_to
    filters = parse_filters({"from": iso(date_from), "to": iso(date_to)}, today=TODAY)
    start, end = trend_window(filters, today=TODAY)
    assert start <= end and start >= MIN_DATE - timedelta(days=366)


@pytest.mark.parametrize(
    ("default_lang", "lang", "written"),
    [("zh", "zh", None), ("zh", "en", "en"), ("en", "en", None), ("en", "zh", "zh")],
)
def test_links_name_the_language_when_it_is_not_the_deployments(default_lang, lang, written):
    """With GOVDASH_LANG=en a Chinese page's links carry lang=zh (without it they
    opened in English), and English ones need no lang=."""
    filters = parse_filters({"lang": lang, "period": "this_year"}, default_lang=default_lang)
    assert filters.lang == lang
    assert filters.query_params().get("lang") == written


@pytest.mark.parametrize(
    ("text", "digits"),
    [("150203", True), ("0", True), ("", False), ("²", False), ("①", False), ("１２", False),
     ("12a", False), ("-1", False)],
)  # fmt: skip
def test_codes_are_ascii_digits_only(text, digits):
    assert is_ascii_digits(text) is digits
