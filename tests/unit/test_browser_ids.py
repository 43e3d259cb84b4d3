"""assets/govdash.js names Dash components by the ids the Python side gives them
(components/filters.py, components/shell.py). A renamed id would break the filter bar
in the browser without a Python error: the script's literals must equal the constants."""

from __future__ import annotations

import re
from pathlib import Path

from components import filters

SCRIPT = Path(__file__).resolve().parents[2] / "assets" / "govdash.js"


def _source() -> str:
    return SCRIPT.read_text(encoding="utf-8")


def _js_string(name: str) -> str:
    """The string literal a `var NAME = "..."` (or `, NAME = "..."`) declaration holds."""
    found = re.findall(rf'\b{name}\s*=\s*"([^"]*)"', _source())
    assert len(found) == 1, f"{name}: {found} in {SCRIPT.name}"
    return found[0]


def test_the_filter_bar_ids_are_the_python_ones():
    assert _js_string("PERIOD_ID") == filters.PERIOD_ID
    assert _js_string("DATES_ID") == filters.DATES_ID
    assert _js_string("SHOWN_ID") == filters.FILTER_SHOWN_ID


def test_the_page_locations_are_the_python_ones():
    (listed,) = re.findall(r"\bPAGE_LOCATIONS\s*=\s*\[([^\]]*)\]", _source())
    ids = re.findall(r'"([^"]+)"', listed)
    assert ids == [filters.URL_ID, filters.FILTER_URL_ID, filters.PAGE_URL_ID]


def test_back_and_forward_find_the_filter_bar_and_its_history_store():
    source = _source()
    assert f'document.getElementById("{filters.FILTER_BAR_ID}")' in source
    assert f'setProps("{filters.HISTORY_ID}"' in source


def test_every_filter_bar_id_the_script_names_is_a_python_constant():
    """Any other "filter-…" literal in the script would be an id nobody checks."""
    known = {
        value
        for name, value in vars(filters).items()
        if name.isupper() and isinstance(value, str) and value.startswith("filter-")
    }
    named = set(re.findall(r'"(filter-[a-z-]+)"', _source()))
    assert named and named <= known, named - known


def test_the_presets_prefetch_route_is_the_python_one():
    from pages._region_view import PREFETCH_PRESETS_ROUTE

    assert _js_string("PREFETCH_PRESETS_ROUTE") == PREFETCH_PRESETS_ROUTE
