"""Small helpers shared by the browser tests (tests/e2e): waiting, starting the app."""

from __future__ import annotations

import time

from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def wait(dash_duo, condition, timeout: int = 45):
    """Poll `condition(driver)` until it is truthy; elements Dash replaces while it
    polls (stale or not yet there) count as "not yet"."""
    return WebDriverWait(
        dash_duo.driver,
        timeout,
        poll_frequency=0.2,
        ignored_exceptions=(StaleElementReferenceException, NoSuchElementException),
    ).until(condition)


def start(dash_duo, app, port: int, height: int = 1000) -> str:
    """Serve `app` on `port` in a 1600-pixel-wide window; returns the base URL."""
    dash_duo.start_server(app, navigate=False, port=port)
    dash_duo.driver.set_window_size(1600, height)
    return dash_duo.server.url.rstrip("/")


def tile(dash_duo, key: str) -> str:
    """The text of the KPI tile `key` (受理量 is "accepted", ...)."""
    return dash_duo.find_element(f"#kpi-{key}-value").text


def points_of(dash_duo, graph_id: str, field: str = "customdata") -> list:
    """A field (region codes) of the first trace of a graph, as drawn."""
    script = (
        "var gd = document.querySelector("
        "'#' + arguments[0] + '.js-plotly-plot, #' + arguments[0] + ' .js-plotly-plot');"
        "return gd && gd.data && gd.data[0] ? gd.data[0][arguments[1]] : null;"
    )
    return wait(dash_duo, lambda d: d.execute_script(script, graph_id, field))


def click_to_navigate(dash_duo, find_bar, what: str) -> None:
    """Move the mouse onto the bar `find_bar()` returns and click it (as a person
    would), until the URL changes.

    Plotly takes the click from its hover state, so the pointer first rests on the
    bar; under a loaded CI machine the first hover can be missed, hence the retry."""
    before = dash_duo.driver.current_url
    for _attempt in range(3):
        bar = find_bar()
        ActionChains(dash_duo.driver).move_to_element(bar).pause(0.5).perform()
        ActionChains(dash_duo.driver).click().perform()
        try:
            WebDriverWait(dash_duo.driver, 6).until(lambda d: d.current_url != before)
            return
        except TimeoutException:
            continue
    raise AssertionError(f"clicking {what} did not navigate")


def click_bar(dash_duo, graph_id: str, code: str) -> None:
    """Click the bar of `code` (a child's region code) on `graph_id`."""

    def find_bar():
        index = list(points_of(dash_duo, graph_id)).index(code)
        bars = wait(
            dash_duo,
            lambda d: d.find_elements(By.CSS_SELECTOR, f"#{graph_id} .barlayer .trace .point path"),
        )
        return bars[index]

    click_to_navigate(dash_duo, find_bar, f"the bar of {code} on {graph_id}")


# Every chart of the page is drawn (no Plotly.react or resize running) and nothing loads.
DRAWN = """
var graphs = document.querySelectorAll('.gd-page .js-plotly-plot');
if (!graphs.length) { return false; }
for (var i = 0; i < graphs.length; i++) {
    if (!graphs[i]._fullLayout || graphs[i].classList.contains('dash-graph--pending')) {
        return false;
    }
}
return !document.querySelector('[data-dash-is-loading="true"]');
"""


def drawn(dash_duo) -> None:
    """Until every chart of the page is drawn, and a moment more."""
    wait(dash_duo, lambda d: d.execute_script(DRAWN))
    time.sleep(0.4)
