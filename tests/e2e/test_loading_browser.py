"""Loading indicators in headless Chromium: anything that takes longer than a moment
shows a spinner over what it will replace, and nothing else changes meanwhile.

The server's reply is held in the browser (window.fetch wrapped) until the test lets
it through, so "slow" does not depend on the machine: a filter change redrawn in place
(the region page's own dcc.Loading) and a page rendered anew by the pages router (the
shell's dcc.Loading). Both show their spinner only after `delay_show` (350 ms): a
cache hit never flickers.
"""

from __future__ import annotations

import time

import pytest
from browser_helpers import start, tile, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC  # noqa: N812
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.e2e

KUNDULUN_2024 = "/region/150203?from=2024-01-01&to=2024-12-31"

# Holds the reply of every callback request whose body names `output` until
# window.__release() (the request itself leaves at once, so the server answers).
HOLD = """
window.__held = 0;
window.__release = function () {};
var fetchFirst = window.fetch;
window.fetch = function (url, options) {
    var body = options && typeof options.body === 'string' ? options.body : '';
    var reply = fetchFirst.apply(this, arguments);
    if (body.indexOf(arguments[0]) < 0) { return reply; }
    window.__held += 1;
    window.__heldAt = window.__heldAt || performance.now();
    return new Promise(function (resolve) {
        var previous = window.__release;
        window.__release = function () { previous(); resolve(reply); };
    });
};
""".replace("arguments[0]", "window.__holdOutput")

# A spinner dcc.Loading shows: visible, inside the element given (or anywhere).
SPINNER = """
var root = arguments[0] ? document.querySelector(arguments[0]) : document;
if (!root) { return false; }
return Array.from(root.querySelectorAll('.dash-spinner, [class*="dash-spinner"]')).some(
    function (el) { return el.offsetParent !== null && el.getBoundingClientRect().height > 0; });
"""
# When a spinner first shows (every frame, from the hold on): the browser's clock.
WATCH_SPINNER = (
    "window.__spinnerAt = null; (function look() {"
    " if (window.__spinnerAt === null && (function () {"
    + SPINNER.replace("arguments[0]", "null")
    + "})()) { window.__spinnerAt = performance.now(); }"
    " requestAnimationFrame(look); })();"
)


def hold(dash_duo, output: str) -> None:
    dash_duo.driver.execute_script(f"window.__holdOutput = {output!r};" + HOLD + WATCH_SPINNER)


def spinner_delay(dash_duo) -> float:
    """Milliseconds from the held request to the first spinner."""
    return dash_duo.driver.execute_script("return window.__spinnerAt - window.__heldAt;")


def spinner_shown(dash_duo, within: str | None = None) -> bool:
    return bool(dash_duo.driver.execute_script(SPINNER, within))


def open_kundulun(dash_duo, app, port: int) -> str:
    base = start(dash_duo, app, port, height=1200)
    dash_duo.driver.get(base + KUNDULUN_2024)
    dash_duo.wait_for_text_to_equal("#kpi-accepted-value", "4,013", timeout=30)
    wait(dash_duo, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".gd-page .main-svg")) >= 7)
    time.sleep(0.5)
    return base


def test_a_slow_filter_change_shows_a_spinner_over_the_figures(dash_duo, dashboard_app, free_port):
    open_kundulun(dash_duo, dashboard_app, free_port)
    assert not spinner_shown(dash_duo)
    hold(dash_duo, "page-meta.children")  # the region page's update
    driver = dash_duo.driver
    WebDriverWait(driver, 20).until(EC.element_to_be_clickable((By.ID, "filter-kind"))).click()
    WebDriverWait(driver, 20).until(
        EC.element_to_be_clickable((By.XPATH, "//*[@role='option'][.//input[@value='petition']]"))
    ).click()

    wait(dash_duo, lambda d: d.execute_script("return window.__held > 0;"))
    # A spinner over the figures, but not within a moment (delay_show): no flicker.
    wait(dash_duo, lambda d: spinner_shown(dash_duo, "#region-page"), timeout=10)
    assert spinner_delay(dash_duo) >= 300
    assert tile(dash_duo, "accepted") == "4,013"  # the old figures stay while it waits

    driver.execute_script("window.__release();")
    wait(dash_duo, lambda d: tile(dash_duo, "accepted") != "4,013")
    wait(dash_duo, lambda d: not spinner_shown(dash_duo))
    assert dash_duo.get_logs() == []


def test_a_slow_page_shows_a_spinner_until_it_comes(dash_duo, dashboard_app, free_port):
    base = open_kundulun(dash_duo, dashboard_app, free_port)
    hold(dash_duo, "_pages_content.children")  # the pages router
    # Another page of the app, inside the app (the navigation bar's link).
    dash_duo.driver.find_element(By.ID, "nav-petitions").click()

    wait(dash_duo, lambda d: d.execute_script("return window.__held > 0;"))
    wait(dash_duo, lambda d: spinner_shown(dash_duo, ".gd-main"), timeout=10)
    assert spinner_delay(dash_duo) >= 300
    assert dash_duo.driver.current_url.startswith(base + "/petitions")

    dash_duo.driver.execute_script("window.__release();")
    wait(dash_duo, lambda d: d.find_elements(By.CSS_SELECTOR, "#petitions-page"))
    wait(dash_duo, lambda d: not spinner_shown(dash_duo))
    assert dash_duo.get_logs() == []
