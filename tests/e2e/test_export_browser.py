"""The charts' exports in headless Chromium: the camera button's PNG and the "SVG"
button's SVG are drawn with the print template (white, black ink, larger type) at
print size, with the chart's Chinese title, while the chart on screen keeps the screen
template; the print template is fetched once per page.

What plotly.js exports is read where plotly.js draws it: its image export draws the
figure in a div it adds to the page (off screen, at left -5000px) and removes after;
an observer records that div's layout as drawn. The downloaded files are read too.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser_helpers import start, wait
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from components.graph import PRINT_MARKER
from components.templates import (
    EXPORT_HEIGHT,
    EXPORT_SCALE,
    EXPORT_WIDTH,
    PRINT_TEMPLATE_ROUTE,
    template_layout,
)

pytestmark = pytest.mark.e2e

CITY_2024 = "/region/150200?from=2024-01-01&to=2024-12-31"  # 包头市: trend, map, donut, ...
PRINT = template_layout("print")["layout"]
SCREEN = template_layout("screen")["layout"]
SVG_NS = "{http://www.w3.org/2000/svg}"

DRAWN = """
var graphs = document.querySelectorAll('.gd-page .js-plotly-plot');
if (!graphs.length) { return false; }
for (var i = 0; i < graphs.length; i++) { if (!graphs[i]._fullLayout) { return false; } }
return true;
"""

# Records every figure plotly.js's image export draws (its off-screen div), as drawn.
RECORD_EXPORTS = """
window.__exports = [];
new MutationObserver(function (mutations) {
    mutations.forEach(function (m) {
        m.addedNodes.forEach(function (el) {
            if (!(el instanceof HTMLElement) || el.style.left !== '-5000px' || !el._fullLayout) {
                return;
            }
            var full = el._fullLayout;
            window.__exports.push({
                width: full.width, height: full.height, staticPlot: el._context.staticPlot,
                font: full.font.size, ink: full.font.color, family: full.font.family,
                titleSize: full.title.font.size, title: full.title.text,
                paper: full.paper_bgcolor, margin: el.layout.margin || null,
                template: el.layout.template && el.layout.template.layout
                    ? el.layout.template.layout.font.size : null
            });
        });
    });
}).observe(document.body, {childList: true});
"""

# The chart on screen, as the page shows it.
ON_SCREEN = """
var holder = document.getElementById(arguments[0]);
var gd = holder.classList.contains('js-plotly-plot') ? holder : holder.querySelector('.js-plotly-plot');
var title = gd.querySelector('.gtitle');
return {
    font: gd._fullLayout.font.size, ink: gd._fullLayout.font.color,
    template: gd.layout.template.layout.font.size, margin: gd.layout.margin,
    width: gd._fullLayout.width, height: gd._fullLayout.height,
    titleStyle: title && title.getAttribute('style'),
    marker: gd._context.toImageButtonOptions[arguments[1]]
};
"""


def graph_div(dash_duo, graph_id: str):
    return dash_duo.find_element(f"#{graph_id}")


def new_download(dash_duo, pattern: str, seen: set[Path]) -> Path:
    """The next complete download matching `pattern` that is not in `seen`."""
    folder = Path(dash_duo.download_path)
    found = wait(
        dash_duo,
        lambda d: [p for p in folder.glob(pattern) if p not in seen and p.stat().st_size],
        30,
    )
    time.sleep(0.3)  # (chromium renames the file when done: glob saw the final name)
    seen.add(found[0])
    return found[0]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def svg_styles(path: Path, css_class: str) -> list[str]:
    """The style attributes of the SVG's text elements of class `css_class` or inside
    one (a tick is a group holding its label)."""
    root = ET.parse(path).getroot()
    return [
        text.get("style") or ""
        for el in root.iter()
        if css_class in (el.get("class") or "").split()
        for text in el.iter(f"{SVG_NS}text")
    ]


def template_fetches(dash_duo) -> int:
    """How many times the page asked for the print template."""
    return dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.indexOf(arguments[0]) >= 0).length;",
        PRINT_TEMPLATE_ROUTE,
    )


def click_camera(dash_duo, graph_id: str) -> None:
    graph = graph_div(dash_duo, graph_id)
    ActionChains(dash_duo.driver).move_to_element(graph).pause(0.3).perform()
    camera = wait(dash_duo, lambda d: d.find_element(By.CSS_SELECTOR, f"#{graph_id} .modebar-btn"))
    camera.click()


def test_the_camera_and_the_svg_button_export_with_the_print_template(
    dash_duo, dashboard_app, free_port
):
    # Tall enough that every button is in view (nothing scrolls under the pointer).
    base = start(dash_duo, dashboard_app, free_port, height=2400)
    dash_duo.driver.get(base + CITY_2024)
    wait(dash_duo, lambda d: d.execute_script(DRAWN))
    time.sleep(0.5)
    dash_duo.driver.execute_script(RECORD_EXPORTS)
    before = {
        gid: dash_duo.driver.execute_script(ON_SCREEN, gid, PRINT_MARKER)
        for gid in ("region-trend", "region-children")
    }
    assert before["region-trend"]["font"] == SCREEN["font"]["size"]
    assert PRINT_TEMPLATE_ROUTE in before["region-trend"]["marker"]
    seen: set[Path] = set()

    # The camera: a PNG at 1600×900 ×2, drawn with the print template.
    click_camera(dash_duo, "region-trend")
    png = new_download(dash_duo, "*.png", seen)
    assert png_size(png) == (EXPORT_WIDTH * EXPORT_SCALE, EXPORT_HEIGHT * EXPORT_SCALE)
    assert "包头市" in png.name and "月度趋势" in png.name
    (drawn,) = dash_duo.driver.execute_script("return window.__exports;")
    assert (drawn["width"], drawn["height"]) == (EXPORT_WIDTH, EXPORT_HEIGHT)
    assert drawn["staticPlot"] is True
    assert drawn["font"] == drawn["template"] == PRINT["font"]["size"] > SCREEN["font"]["size"]
    assert drawn["ink"] == PRINT["font"]["color"] == "#000000"
    assert drawn["paper"] == PRINT["paper_bgcolor"] == "#ffffff"
    assert drawn["family"].startswith('"Noto Sans CJK SC"')
    assert drawn["titleSize"] == PRINT["title"]["font"]["size"]
    assert "包头市" in drawn["title"] and "2024-01-01" in drawn["title"]  # region and period
    # The margins figures.py sets from screen-size labels grow with the print type.
    assert drawn["margin"]["l"] > before["region-trend"]["margin"]["l"]
    assert drawn["margin"]["t"] > before["region-trend"]["margin"]["t"]

    # The "SVG" button: the same chart as SVG, print size and print type.
    dash_duo.find_element("button[data-graph='region-trend']").click()
    svg = new_download(dash_duo, "*.svg", seen)
    content = svg.read_text(encoding="utf-8")
    assert f'width="{EXPORT_WIDTH}"' in content and f'height="{EXPORT_HEIGHT}"' in content
    assert "包头市 · 月度趋势" in content and "2024-01-01" in content
    (title_style,) = svg_styles(svg, "gtitle")
    assert f"font-size: {PRINT['title']['font']['size']}px" in title_style
    assert "fill: rgb(0, 0, 0)" in title_style
    ticks = svg_styles(svg, "xtick") + svg_styles(svg, "ytick")
    assert ticks and all(f"font-size: {PRINT['font']['size']}px" in s for s in ticks)

    # The map (polygons fetched from the app, nothing from outside) exports the same way.
    dash_duo.find_element("button[data-graph='region-children']").click()
    map_svg = new_download(dash_duo, "*.svg", seen)
    map_content = map_svg.read_text(encoding="utf-8")
    assert "choroplethlocation" in map_content and "包头市" in map_content
    (map_title,) = svg_styles(map_svg, "gtitle")
    assert f"font-size: {PRINT['title']['font']['size']}px" in map_title
    exports = dash_duo.driver.execute_script("return window.__exports;")
    assert len(exports) == 3
    assert all(e["font"] == PRINT["font"]["size"] for e in exports)
    assert all((e["width"], e["height"]) == (EXPORT_WIDTH, EXPORT_HEIGHT) for e in exports)

    # The charts on screen are as they were: screen template, margins, size, title.
    for gid, shown in before.items():
        assert dash_duo.driver.execute_script(ON_SCREEN, gid, PRINT_MARKER) == shown, gid
    # The print template came once, for three exports.
    assert template_fetches(dash_duo) == 1
    assert dash_duo.get_logs() == []


def test_a_chart_of_another_script_exports_as_plotly_does(dash_duo, dashboard_app, free_port):
    """Plotly.downloadImage is wrapped for the app's charts only: a plot without the
    marker (or a figure object) goes through plotly.js's own path unchanged."""
    base = start(dash_duo, dashboard_app, free_port)
    dash_duo.driver.get(base + CITY_2024)
    wait(dash_duo, lambda d: d.execute_script(DRAWN))
    dash_duo.driver.execute_script(RECORD_EXPORTS)
    dash_duo.driver.set_script_timeout(30)
    result = dash_duo.driver.execute_async_script(
        """
        var done = arguments[arguments.length - 1];
        var div = document.createElement('div');
        document.body.appendChild(div);
        Plotly.newPlot(div, [{type: 'bar', x: ['甲', '乙'], y: [1, 2]}],
                       {title: {text: '别的图'}, font: {size: 13}})
            .then(function () {
                return Plotly.downloadImage(div, {format: 'svg', width: 400, height: 300,
                                                  filename: 'plain-plot'});
            })
            .then(function (name) { done(name); }, function (err) { done('ERR ' + err); });
        """
    )
    assert result == "plain-plot.svg"
    (drawn,) = dash_duo.driver.execute_script("return window.__exports;")
    assert (drawn["width"], drawn["height"], drawn["font"]) == (400, 300, 13)
    assert template_fetches(dash_duo) == 0
    assert dash_duo.get_logs() == []
