"""The browser tab's title in headless Chromium: it names the page (and the region)
in the URL's language on the first load, after an in-app navigation, after the
language switch and after the browser's back button.

Run with `pytest --headless -m e2e`."""

from __future__ import annotations

import pytest
from browser_helpers import start, wait
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.e2e

Y2024 = "from=2024-01-01&to=2024-12-31"


def wait_title(dash_duo, title: str) -> None:
    try:
        wait(dash_duo, lambda d: d.title == title, timeout=30)
    except TimeoutException as exc:
        raise AssertionError(
            f"tab title {dash_duo.driver.title!r}, want {title!r} at {dash_duo.driver.current_url}"
        ) from exc


def click(dash_duo, element_id: str, href_has: str) -> None:
    """Click a link of the navigation bar once its href is the one wanted (the bar is
    drawn again when the language changes: an element found before is then stale)."""

    def clicked(driver) -> bool:
        try:
            link = driver.find_element(By.ID, element_id)
            if href_has not in (link.get_attribute("href") or ""):
                return False
            link.click()
            return True
        except StaleElementReferenceException:
            return False

    wait(dash_duo, clicked)


def test_the_tab_title_follows_navigation_and_the_language(dash_duo, dashboard_app, free_port):
    base = start(dash_duo, dashboard_app, free_port)
    dash_duo.driver.get(f"{base}/region/150203?{Y2024}")
    wait_title(dash_duo, "昆都仑区 · 区域态势 · govdash")

    click(dash_duo, "lang-switch", "lang=en")
    wait_title(dash_duo, "昆都仑区 · Region overview · govdash")

    # in-app navigation (the navigation bar keeps the language and the region)
    click(dash_duo, "nav-petitions", "lang=en")
    wait_title(dash_duo, "昆都仑区 · Petitions · govdash")
    click(dash_duo, "nav-cases", "lang=en")
    wait_title(dash_duo, "昆都仑区 · Case list · govdash")

    click(dash_duo, "lang-switch", "/cases")
    wait_title(dash_duo, "昆都仑区 · 案件清单 · govdash")
    wait(
        dash_duo, lambda d: "lang=en" not in d.find_element(By.ID, "nav-home").get_attribute("href")
    )
    click(dash_duo, "nav-home", "/")
    wait_title(dash_duo, "指挥舱 · govdash")

    dash_duo.driver.back()
    wait_title(dash_duo, "昆都仑区 · 案件清单 · govdash")
    assert dash_duo.get_logs() == []


def test_the_first_load_and_the_404_page_in_english(dash_duo, dashboard_app, free_port):
    base = start(dash_duo, dashboard_app, free_port)
    dash_duo.driver.get(f"{base}/no-such-page?lang=en")
    wait_title(dash_duo, "Page not found · govdash")
    dash_duo.driver.get(f"{base}/centers?region=150203&lang=en&{Y2024}")
    wait_title(dash_duo, "昆都仑区 · Center load · govdash")
    dash_duo.driver.get(f"{base}/centers?region=150203&{Y2024}")
    wait_title(dash_duo, "昆都仑区 · 中心负荷 · govdash")
    assert dash_duo.get_logs() == []
