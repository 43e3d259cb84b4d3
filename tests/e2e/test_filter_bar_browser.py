"""The filter bar's URL logic (assets/govdash.js `govdash.filterHref`), run in headless
Chromium on a page of the app, for the cases a person meets: a preset, custom dates,
a kind, "all" clearing a filter, a page that fixes the kind, the date picker set to
the page's own preset dates (no change), half-chosen dates (no change); and the
whole filter bar driven by clicks writing the URL.

Run with `pytest --headless -m e2e` (scripts/test.sh does).
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.e2e

SHOWN_YEAR = {"period": "this_year", "from": "2026-01-01", "to": "2026-12-31"}
# (trigger, period, start, end, kind, source, level, kind fixed, pathname, search,
#  shown) -> the href, or None for no change
CASES = [
    (  # a preset replaces custom dates; other parameters stay
        ("filter-period", "last_month", "2024-01-01", "2024-12-31", "all", "all", "red", False,
         "/petitions", "?region=150203&from=2024-01-01&to=2024-12-31", None),
        "/petitions?region=150203&level=red&period=last_month",
    ),
    (  # a kind is added, the language kept
        ("filter-kind", "custom", "2024-01-01", "2024-12-31", "petition", "all", "all", False,
         "/region/150203", "?from=2024-01-01&to=2024-12-31&lang=en", None),
        "/region/150203?from=2024-01-01&to=2024-12-31&lang=en&kind=petition",
    ),
    (  # custom dates replace the preset (the date picker may give a time too)
        ("filter-dates", "this_year", "2024-03-01", "2024-03-31T00:00:00", "petition", "app",
         "all", False, "/region/150203", "?period=this_year", SHOWN_YEAR),
        "/region/150203?kind=petition&source=app&period=&from=2024-03-01&to=2024-03-31",
    ),
    (  # "all" clears a filter
        ("filter-level", "this_year", None, None, "all", "all", "all", False,
         "/region/150203", "?period=this_year&level=red", SHOWN_YEAR),
        "/region/150203?period=this_year",
    ),
    (  # the page's own preset dates put into the date picker: nothing changes
        ("filter-dates", "this_year", "2026-01-01", "2026-12-31", "all", "all", "all", False,
         "/region/150203", "?period=this_year", SHOWN_YEAR),
        None,
    ),
    (  # ... even with another filter changed at the same time, the preset stays
        ("filter-dates", "this_year", "2026-01-01", "2026-12-31", "dispute", "all", "all",
         False, "/region/150203", "?period=this_year", SHOWN_YEAR),
        "/region/150203?period=this_year&kind=dispute",
    ),
    (  # one date chosen, the other not yet: wait
        ("filter-dates", "custom", "2024-03-01", None, "all", "all", "all", False,
         "/region/150203", "?period=this_year", SHOWN_YEAR),
        None,
    ),
    (  # a page that fixes the kind leaves the URL's kind alone
        ("filter-period", "this_month", None, None, "petition", "all", "all", True,
         "/petitions", "?kind=petition&period=this_year", SHOWN_YEAR),
        "/petitions?kind=petition&period=this_month",
    ),
    (  # the same as the URL: nothing to do
        ("filter-period", "this_year", None, None, "all", "all", "all", False,
         "/region/150203", "?period=this_year", SHOWN_YEAR),
        None,
    ),
]  # fmt: skip


def _normal(href: str | None):
    """The href as path + parsed query (the order of parameters is kept in the tests
    above, but an empty parameter such as period= is dropped by the parser)."""
    if href is None:
        return None
    parts = urlsplit(href)
    return parts.path, parse_qs(parts.query)


def test_filter_href_in_the_browser(dash_duo, dashboard_app, free_port):
    dash_duo.start_server(dashboard_app, navigate=False, port=free_port)
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/no-such-page")
    dash_duo.wait_for_contains_text("#not-found", "404", timeout=25)
    for args, want in CASES:
        got = dash_duo.driver.execute_script(
            "return window.govdash.filterHref.apply(null, arguments);", *args
        )
        assert _normal(got) == _normal(want), (args, got)
    merged = dash_duo.driver.execute_script(
        "return window.govdash.mergeQuery(arguments[0], arguments[1]);",
        "?region=150203&period=this_year&lang=en&status=closed",
        {"period": None, "from": "2024-01-01", "to": "2024-12-31"},
    )
    assert merged == "?region=150203&lang=en&status=closed&from=2024-01-01&to=2024-12-31"
    assert dash_duo.get_logs() == []


def test_the_filter_bar_writes_the_url(dash_duo, dashboard_app, free_port):
    dash_duo.start_server(dashboard_app, navigate=False, port=free_port)
    dash_duo.driver.set_window_size(1600, 1200)
    dash_duo.driver.get(
        dash_duo.server.url.rstrip("/") + "/petitions?region=150203&period=this_year"
    )
    dash_duo.wait_for_element("#petitions-page", timeout=30)

    def query():
        return parse_qs(urlsplit(dash_duo.driver.current_url).query)

    def settled():
        """The page rendered again for the new URL (a thematic page is, as a whole):
        nothing loading any more, so the next control clicked is the new page's."""
        WebDriverWait(dash_duo.driver, 30).until(
            lambda d: (
                d.find_elements(By.ID, "petitions-page")
                and not d.find_elements(By.CSS_SELECTOR, '[data-dash-is-loading="true"]')
            )
        )
        time.sleep(0.5)

    settled()
    dash_duo.select_dcc_dropdown("#filter-period", "上月")
    WebDriverWait(dash_duo.driver, 30).until(lambda d: query().get("period") == ["last_month"])
    settled()
    dash_duo.select_dcc_dropdown("#filter-source", "12345热线")
    WebDriverWait(dash_duo.driver, 30).until(lambda d: query().get("source") == ["hotline_12345"])
    settled()
    # the region stays; the page fixes the kind without writing it into the URL
    assert query()["region"] == ["150203"] and "kind" not in query()
    assert query()["period"] == ["last_month"]
    assert dash_duo.get_logs() == []


NAV_URLS = [
    "/",
    "/?period=this_year",
    "/region/150203?period=last_month&kind=petition&lang=en",
    "/region/150203001?from=2024-01-01&to=2024-12-31&level=red&status=open",
    "/petitions?region=150203&period=this_quarter",
    "/cases?region=150203&status=closed&period=this_year&period=last_month",
    "/case/BT2024000123?region=150203&lang=en",
    "/wall?region=150200",
    "/grids",
]


def test_nav_links_in_the_browser_are_the_servers(dash_duo, dashboard_app, free_port):
    """assets/govdash.js navLinks gives the navigation bar the links nav_links (and the
    language switch of create_navbar) gives it on the server, for any URL."""
    from components.shell import NAV_ITEMS, create_navbar, nav_links

    dash_duo.start_server(dashboard_app, navigate=False, port=free_port)
    base = dash_duo.server.url.rstrip("/")
    dash_duo.driver.get(base + "/no-such-page")
    dash_duo.wait_for_contains_text("#not-found", "404", timeout=25)

    def find(tree, component_id):
        if getattr(tree, "id", None) == component_id:
            return tree
        children = getattr(tree, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                found = find(child, component_id)
                if found is not None:
                    return found
        return None

    for url in NAV_URLS:
        pathname, _, query = url.partition("?")
        search = f"?{query}" if query else ""
        view, brand, switch, *rest = dash_duo.driver.execute_script(
            "return window.govdash.navLinks(arguments[0]);", base + url
        )
        hrefs, classes = rest[: len(NAV_ITEMS)], rest[len(NAV_ITEMS) :]
        want = nav_links(pathname, search)
        assert hrefs == [href for href, _key, _target, _active in want], url
        assert classes == ["nav-link" + (" active" if active else "") for *_rest, active in want], (
            url
        )
        assert brand == want[0][0], url
        assert switch == find(create_navbar(pathname, search), "lang-switch").href, url
        assert view == {
            "lang": "en" if "lang=en" in url else "zh",
            "hidden": url.startswith("/wall"),
        }
    assert dash_duo.get_logs() == []
