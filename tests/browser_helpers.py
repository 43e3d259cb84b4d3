"""Small helpers shared by the browser tests (tests/e2e): waiting, starting the app."""

from __future__ import annotations

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
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
