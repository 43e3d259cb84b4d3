"""`make bench-browser`: the dashboard in a real browser (issue 3's benchmark).

Starts the app under gunicorn (`gunicorn app:server --workers N`, a free 127.0.0.1
port, GOVDASH_DATABASE_URL set, GOVDASH_CACHE_URL passed through), drives Debian's
headless chromium through selenium, and for the region page of a city, a district, a
township, a village and a grid measures:

- time to fully drawn, p50/p95: from navigation start until no Dash callback is
  pending, nothing is loading, every chart of the page layout is drawn and the DOM
  has stopped changing. Cold = browser cache cleared and a period the server never
  computed (12-month windows ending 25+i months ago, which no preset, filter change,
  同比/环比 or other cold view asks for); warm = the same URL again, browser cache kept;
- filter change → redrawn charts, p50/p95: on /region/<code> (本年) a person opens the
  period dropdown and picks another preset (one showing other months than 本年: not
  近12个月 in December); from that click until all is redrawn;
- bytes the browser received per page view (CDP performance log, encoded, headers
  included), first view and repeat view, and the biggest resources;
- RSS and peak RSS (VmRSS/VmHWM) of every gunicorn worker after all page views;
- SEVERE browser console entries (any is reported as a failed run).

Times are the browser's own clock (performance.now()), not Python's. Results go to
bench/results/browser-<stamp>.json and .md.

    python -m bench.browser                      # the default database, 2 workers
    python -m bench.browser --url sqlite:////work/main/data/bench_s100.sqlite --label "SQLite 10M"
    python -m bench.browser --regions 150203,150203001 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.floor import CHARTS_ATTR, FLOOR_ENV
from components.url_state import preset_period

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1600,1000",
)

# gunicorn threads per worker, as README.md's production command runs it: a page view
# or filter change sends a few callback requests at once.
THREADS = 4

# The targets (at 10M cases).
DRAWN_TARGET_MS = 1000
FILTER_TARGET_MS = 300
PAGE_BYTES_TARGET = 1_000_000
WORKER_RSS_TARGET_MB = 300

DEFAULT_DISTRICT = "150203"
# Filter-change targets in turn (from the page's 本年); each is a URL the server has
# not rendered before until the list wraps around (then the server cache may answer).
FILTER_PRESETS = ("this_month", "last_month", "this_quarter", "last_12_months")


def filter_presets(today: date) -> tuple[str, ...]:
    """FILTER_PRESETS without those that show 本年's very months on `today` (近12个月 in
    December): the page would find nothing to redraw, which is not a filter change."""
    year = preset_period("this_year", today)
    return tuple(p for p in FILTER_PRESETS if preset_period(p, today) != year)


# The region page's update callbacks (pages/_region_view.py: their first output) redraw
# it for a filter change; the pages router does not hear of it.
FILTER_WATCH = "page-meta.children"
REGION_PAGE_SELECTOR = "#region-page"  # pages/_region_view.py's root (with data or not)
QUIET_MS = 500  # the DOM must stay unchanged this long before a view counts as done
POLL_MS = 10  # how often the in-page probe re-checks readiness
VIEW_TIMEOUT_S = 120.0

# Installed into every document before its own scripts run (CDP
# Page.addScriptToEvaluateOnNewDocument). It records, on the page's clock:
# lastMutation (any DOM change), renderedAt (the callback `watchOutput` names has
# finished: Dash pages' for a navigation, the region page's update for a filter
# change), and readySince (since when the page is complete:
# no callback pending, nothing loading, every Graph of the layout drawn, the URL as
# expected). `since` is 0 for a navigation, or the click that starts a filter change.
PAGE_PROBE_JS = """
(function () {
  if (window.__govdashBench) { return; }
  var bench = window.__govdashBench = {
    since: 0, armed: false, expect: null, renderedAt: null, readySince: null,
    lastMutation: 0, pending: 0, graphsExpected: 0, graphsDrawn: 0, charts: [],
    // Dash pages renders every page through this callback (a filter change on a
    // region page is drawn by the page's update instead: FILTER_WATCH).
    watchOutput: "_pages_content.children",
    // The shell's 10 s database health check runs on its own clock, not the page's.
    ignoreOutput: "db-banner-holder.children"
  };
  new MutationObserver(function () { bench.lastMutation = performance.now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener("click", function (event) {
    if (bench.armed) {
      bench.armed = false;
      bench.since = event.timeStamp;
      bench.renderedAt = null;
      bench.readySince = null;
      bench.charts = [];
    }
  }, true);

  // Time every Plotly.react / Plots.resize call (dcc.Graph draws through them): set up
  // as plotly.js assigns window.Plotly, before any chart is drawn.
  function timed(owner, name, kind) {
    var original = owner[name];
    if (typeof original !== "function") { return; }
    owner[name] = function () {
      var gd = arguments[0];
      var call = {kind: kind, start: performance.now(), end: null, sync: null,
                  id: gd && gd.parentElement ? (gd.parentElement.id || gd.id || "") : ""};
      bench.charts.push(call);
      var result = original.apply(this, arguments);
      call.sync = performance.now();  // the synchronous part (most of the drawing)
      Promise.resolve(result).finally(function () { call.end = performance.now(); });
      return result;
    };
  }
  var plotly;
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    get: function () { return plotly; },
    set: function (value) {
      plotly = value;
      if (value && !value.__govdashBenchTimed) {
        value.__govdashBenchTimed = true;
        timed(value, "react", "react");
        timed(value, "newPlot", "react");
        if (value.Plots) { timed(value.Plots, "resize", "resize"); }
      }
    }
  });

  function pendingOutputs(state) {
    if (state.pendingCallbacks) {  // older dash-renderer
      return state.pendingCallbacks.map(function (cb) { return String(cb.callback && cb.callback.output); });
    }
    var lists = Object.assign({}, state.callbacks);
    delete lists.stored;
    delete lists.completed;
    var out = [];
    Object.keys(lists).forEach(function (key) {
      (lists[key] || []).forEach(function (cb) { out.push(String(cb.callback && cb.callback.output)); });
    });
    return out;
  }
  var watchPending = false;
  function onStore() {
    var outputs = pendingOutputs(window.store.getState());
    var nowPending = outputs.some(function (o) { return o.indexOf(bench.watchOutput) >= 0; });
    if (watchPending && !nowPending) { bench.renderedAt = performance.now(); }
    watchPending = nowPending;
    bench.pending = outputs.filter(function (o) { return o.indexOf(bench.ignoreOutput) < 0; }).length;
  }

  var countedLayout = null;
  function countGraphs(node) {
    if (!node || typeof node !== "object") { return 0; }
    if (Array.isArray(node)) {
      return node.reduce(function (n, child) { return n + countGraphs(child); }, 0);
    }
    var n = 0, values = node.props || node;
    if (node.type === "Graph" && node.namespace) { n += 1; }
    Object.keys(values).forEach(function (key) {
      var value = values[key];
      // A chart's figure or a store's data holds no component; walking them (the
      // map's polygons) would put the probe's own work into the time measured.
      if (key === "figure" || key === "data") { return; }
      if (value && typeof value === "object") { n += countGraphs(value); }
    });
    return n;
  }
  // A floor page (bench/floor.py) says how many charts it draws on its root; it has
  // no pages router to wait for, and the bare plotly.js one no Dash at all.
  function floorCharts() {
    var root = document.querySelector("[FLOOR_ATTR]");
    return root ? Number(root.getAttribute("FLOOR_ATTR")) : null;
  }
  function ready(state) {
    var floor = floorCharts();
    if (state && (state.isLoading || bench.pending > 0)) { return false; }
    if (floor === null) {
      if (!state) { return false; }
      if (bench.renderedAt === null || bench.renderedAt < bench.since) { return false; }
      if (state.layout !== countedLayout) {
        countedLayout = state.layout;
        bench.graphsExpected = countGraphs(state.layout);
      }
    } else {
      bench.graphsExpected = floor;
    }
    if (bench.expect && location.href.indexOf(bench.expect) < 0) { return false; }
    if (document.querySelector('[data-dash-is-loading="true"]')) { return false; }
    // dcc.Graph carries this class while Plotly.react or a responsive resize runs.
    if (document.querySelector(".dash-graph--pending")) { return false; }
    var drawn = 0;
    document.querySelectorAll(".js-plotly-plot").forEach(function (graph) {
      if (graph.querySelector(".main-svg")) { drawn += 1; }
    });
    bench.graphsDrawn = drawn;
    return drawn >= bench.graphsExpected;
  }

  var subscribed = false;
  setInterval(function () {
    if (!window.store && floorCharts() === null) { return; }
    if (window.store && !subscribed) { window.store.subscribe(onStore); subscribed = true; onStore(); }
    if (ready(window.store ? window.store.getState() : null)) {
      if (bench.readySince === null) { bench.readySince = performance.now(); }
    } else {
      bench.readySince = null;
    }
  }, POLL_MS);
})();
""".replace("POLL_MS", str(POLL_MS)).replace("FLOOR_ATTR", CHARTS_ATTR)


# ------------------------------------------------------------------ the server
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def default_database_url() -> str:
    from data_access.settings import get_settings

    return get_settings().database_url


def _gunicorn_has_setting(name: str) -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == name for setting in KNOWN_SETTINGS)


class AppServer:
    """`gunicorn app:server` (or another `target`) in its own process group, so
    stopping it stops its workers."""

    def __init__(
        self,
        database_url: str,
        workers: int,
        log_path: Path,
        threads: int = 1,
        target: str = "app:server",
        env: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.workers = workers
        self.threads = threads
        self.target = target
        self.env = env or {}
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0, probe_path: str | None = "/") -> None:
        """Start gunicorn and wait until it answers `probe_path` (None: until its port
        accepts connections, without sending a request that a worker would take)."""
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            self.target,
            "--workers",
            str(self.workers),
            # A page view or filter change sends several callbacks at once (the page,
            # the navigation bar, the router): threads take them side by side.
            "--threads",
            str(self.threads),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "300",
        ]
        if _gunicorn_has_setting("control_socket_disable"):
            # gunicorn ≥ 25 opens one control socket per user: two servers would clash.
            command.append("--no-control-socket")
        # GOVDASH_CACHE_URL too
        env = {**os.environ, "GOVDASH_DATABASE_URL": self.database_url, **self.env}
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}"
                )
            if probe_path is None:
                with suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1):
                    return
                time.sleep(0.05)
                continue
            try:
                with urllib.request.urlopen(self.base_url + probe_path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        if children.exists():
            return [int(pid) for pid in children.read_text().split()]
        pids = []  # kernels without CONFIG_PROC_CHILDREN: scan /proc for the parent pid
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def memory(self) -> dict[str, Any]:
        """VmRSS and VmHWM (peak) of the master and each worker, in MB."""

        def status(pid: int) -> dict[str, Any]:
            fields = {}
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    fields[key] = round(int(value.split()[0]) / 1024, 1)
            return {"pid": pid, "rss_mb": fields.get("VmRSS"), "peak_mb": fields.get("VmHWM")}

        assert self.process is not None
        return {
            "master": status(self.process.pid),
            "workers": [status(pid) for pid in self.worker_pids()],
        }

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, grace in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.process.pid, sig)  # our own session: the master and its workers
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue


# ------------------------------------------------------------------ the browser
def start_browser(profile_dir: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Performance.enable", {})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PAGE_PROBE_JS})
    return driver


def drain_logs(driver) -> tuple[list[dict], list[dict]]:
    """The performance (CDP) events and browser console entries since the last call."""
    events = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
    return events, driver.get_log("browser")


def wait_until_drawn(driver, timeout: float = VIEW_TIMEOUT_S) -> float:
    """Milliseconds from the probe's `since` to the page fully drawn (browser clock)."""
    deadline = time.monotonic() + timeout
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = driver.execute_script(
            "var b = window.__govdashBench;"
            "return b ? Object.assign({now: performance.now(), href: location.href}, b) : null;"
        )
        if state and state["readySince"] is not None:
            ready_since, last_change = state["readySince"], state["lastMutation"]
            if state["now"] - max(ready_since, last_change) >= QUIET_MS:
                # Complete as of its last DOM change (charts still drawing after the
                # callbacks, or ready one probe tick after it); otherwise a callback with
                # no visible effect finished last.
                done = last_change if last_change >= ready_since - 2 * POLL_MS else ready_since
                return round(max(done, state["since"]) - state["since"], 1)
        time.sleep(0.05)
    raise TimeoutError(f"page not drawn within {timeout:.0f} s; probe state: {state}")


def network_usage(events: list[dict], navigation_start: float | None) -> dict[str, Any]:
    """Bytes received per request (encoded, headers included) from CDP Network events;
    callback requests are named by their Dash output."""
    requests: dict[str, dict[str, Any]] = {}
    for event in events:
        method, params = event.get("method", ""), event.get("params", {})
        if not method.startswith("Network."):
            continue
        request = requests.setdefault(
            params.get("requestId", ""), {"bytes": 0, "chunks": 0, "cached": False}
        )
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            request["url"] = url
            request["started"] = params.get("timestamp")
            post = params["request"].get("postData") or ""
            if "_dash-update-component" in url and post.startswith("{"):
                with suppress(json.JSONDecodeError):
                    # "..a.children...b.data.." (several outputs) → "a.children"
                    output = str(json.loads(post).get("output") or "")
                    request["output"] = output.strip(".").split("...")[0]
        elif method == "Network.requestServedFromCache":
            request["cached"] = True
        elif method == "Network.responseReceived":
            response = params["response"]
            request.setdefault("url", response.get("url"))
            request["headers_bytes"] = response.get("encodedDataLength") or 0
            request["cached"] = request["cached"] or bool(
                response.get("fromDiskCache") or response.get("fromPrefetchCache")
            )
            timing = response.get("timing") or {}
            if timing:  # time to first byte: the server's work plus a local round trip
                request["server_ms"] = round(
                    timing.get("receiveHeadersEnd", 0) - timing.get("sendEnd", 0), 1
                )
        elif method == "Network.dataReceived":
            request["chunks"] += params.get("encodedDataLength") or 0
        elif method == "Network.loadingFinished":
            request["bytes"] = params.get("encodedDataLength") or 0
            request["finished"] = params.get("timestamp")
            request["done"] = True
    rows = []
    for request in requests.values():
        url = request.get("url") or ""
        if not url.startswith("http"):
            continue
        received = request["bytes"] if request.get("done") else (
            request.get("headers_bytes", 0) + request["chunks"]
        )  # fmt: skip
        path = urlsplit(url).path
        name = f"{path} [{request['output']}]" if request.get("output") else path
        row: dict[str, Any] = {"name": name, "bytes": received, "cached": request["cached"]}
        if navigation_start is not None and request.get("started") is not None:
            row["start_ms"] = round((request["started"] - navigation_start) * 1000, 1)
            if request.get("finished") is not None:
                row["end_ms"] = round((request["finished"] - navigation_start) * 1000, 1)
        if "server_ms" in request:
            row["server_ms"] = request["server_ms"]
        rows.append(row)
    rows.sort(key=lambda r: r.get("start_ms", 0))
    return {
        "bytes": sum(r["bytes"] for r in rows),
        "requests": len(rows),
        "from_cache": sum(1 for r in rows if r["cached"]),
        "resources": rows,
    }


def main_thread_ms(driver) -> dict[str, float]:
    """Main-thread time of the current document (CDP Performance metrics, since navigation)."""
    metrics = {
        m["name"]: m["value"]
        for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    }
    out = {
        key: round(metrics.get(name, 0.0) * 1000, 1)
        for key, name in (
            ("task", "TaskDuration"),
            ("script", "ScriptDuration"),
            ("layout", "LayoutDuration"),
            ("style", "RecalcStyleDuration"),
        )
    }
    out["navigation_start"] = metrics.get("NavigationStart")
    return out


def navigation_phases(driver) -> dict[str, float | None]:
    """Milestones of the page load on the browser clock (ms from navigation start)."""
    return driver.execute_script(
        """
        var nav = performance.getEntriesByType("navigation")[0] || {};
        var entries = performance.getEntriesByType("resource");
        function end(part) {
          var hits = entries.filter(function (e) { return e.name.indexOf(part) >= 0; });
          return hits.length ? Math.max.apply(null, hits.map(function (e) { return e.responseEnd; })) : null;
        }
        return {
          html: nav.responseEnd, scripts_run: nav.domContentLoadedEventEnd,
          layout: end("/_dash-layout"), dependencies: end("/_dash-dependencies"),
          last_callback: end("/_dash-update-component"), plotly_js: end("plotly.min.js")
        };
        """
    )


def chart_calls(driver, since: float) -> dict[str, Any]:
    """Plotly calls of this view: how many draws and resizes, and the window they span
    (ms from `since`)."""
    calls = driver.execute_script("return window.__govdashBench.charts")
    calls = [c for c in calls if c["start"] >= since]
    if not calls:
        return {"react": 0, "resize": 0}

    def last_end(kinds: tuple[str, ...]) -> float | None:
        ends = [c["end"] for c in calls if c["end"] is not None and c["kind"] in kinds]
        return round(max(ends) - since, 1) if ends else None

    per_chart: dict[str, float] = {}  # synchronous Plotly.react time by chart id
    for c in calls:
        if c["kind"] == "react" and c.get("sync") is not None and c.get("id"):
            per_chart[c["id"]] = round(per_chart.get(c["id"], 0.0) + c["sync"] - c["start"], 1)
    return {
        "per_chart": per_chart,
        "react": sum(1 for c in calls if c["kind"] == "react"),
        "resize": sum(1 for c in calls if c["kind"] == "resize"),
        "first_start": round(min(c["start"] for c in calls) - since, 1),
        "react_end": last_end(("react",)),
        "last_end": last_end(("react", "resize")),
    }


def check_region_page(driver, url: str) -> None:
    """A database outage or an unknown region is drawn quickly too: never time that."""
    shown = driver.execute_script(
        "if (document.querySelector(arguments[0])) { return null; }"
        "var state = document.querySelector('.gd-state') || document.body;"
        "return state.innerText.slice(0, 300);",
        REGION_PAGE_SELECTOR,
    )
    if shown is not None:
        raise RuntimeError(f"{url} did not render a region page; it shows: {shown!r}")


def page_view(driver, url: str, *, cold: bool, region_page: bool = True) -> dict[str, Any]:
    """Open `url` (a full navigation) and measure it until it is fully drawn (a floor
    page of bench/floor.py if not `region_page`)."""
    if cold:
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    drain_logs(driver)  # start this view's logs empty
    driver.get(url)
    drawn_ms = wait_until_drawn(driver)
    if region_page:
        check_region_page(driver, url)
    threads = main_thread_ms(driver)
    phases = navigation_phases(driver)
    events, console = drain_logs(driver)
    network = network_usage(events, threads.pop("navigation_start"))
    graphs = driver.execute_script("return window.__govdashBench.graphsExpected")
    return {
        "url": url,
        "drawn_ms": drawn_ms,
        "graphs": graphs,
        "charts": chart_calls(driver, 0.0),
        "phases": {key: round(value, 1) for key, value in phases.items() if value is not None},
        "main_thread_ms": threads,
        **network,
        "console": console,
    }


def measure_click(driver, click, expect: str, watch_output: str) -> dict[str, Any]:
    """Measure a person's click inside the page: from the click event (`click()` makes
    it) until the page is fully drawn again, with the URL holding `expect` and the
    callback `watch_output` answered. The view's time, charts, main-thread work and
    requests (their times re-based on the click)."""
    before = main_thread_ms(driver)
    drain_logs(driver)
    # The probe takes the click event as the start (its own timestamp).
    driver.execute_script(
        "var b = window.__govdashBench; b.armed = true; b.expect = arguments[0];"
        "b.watchOutput = arguments[1];",
        expect,
        watch_output,
    )
    click()
    drawn_ms = wait_until_drawn(driver)
    after = main_thread_ms(driver)
    clicked_at, graphs = driver.execute_script(
        "var b = window.__govdashBench; return [b.since, b.graphsExpected];"
    )
    events, console = drain_logs(driver)
    network = network_usage(events, after.pop("navigation_start"))
    for row in network["resources"]:
        for key in ("start_ms", "end_ms"):
            if key in row:
                row[key] = round(row[key] - clicked_at, 1)
    before.pop("navigation_start")
    return {
        "drawn_ms": drawn_ms,
        "graphs": graphs,
        "charts": chart_calls(driver, clicked_at),
        "main_thread_ms": {key: round(after[key] - before[key], 1) for key in before},
        **network,
        "console": console,
    }


def drill_down(driver, parent_url: str, child_code: str) -> dict[str, Any]:
    """On `parent_url`, click the child's name in the ranking table like a person
    would; measure from that click until the child's page is fully drawn (inside the
    app: no new document, the scripts stay; the pages router renders the child)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC  # noqa: N812
    from selenium.webdriver.support.ui import WebDriverWait

    from components.tables import RANKING_TABLE_HTML_ID

    driver.get(parent_url)
    wait_until_drawn(driver)
    check_region_page(driver, parent_url)
    link = WebDriverWait(driver, 20).until(
        EC.element_to_be_clickable(
            (By.CSS_SELECTOR, f"#{RANKING_TABLE_HTML_ID} a[href*='/region/{child_code}?']")
        )
    )
    # A click event on the link, as a person's (the row may sit low in the table's own
    # scroll box, where WebDriver's click cannot reach it without scrolling the page).
    view = measure_click(
        driver,
        lambda: driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", link
        ),
        f"/region/{child_code}?",
        "_pages_content.children",
    )
    check_region_page(driver, driver.current_url)
    return {"url": driver.current_url, **view}


def filter_change(driver, page_url: str, target_preset: str) -> dict[str, Any]:
    """On `page_url`, choose `target_preset` in the period dropdown like a person would;
    measure from the click on the option until everything is redrawn."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC  # noqa: N812
    from selenium.webdriver.support.ui import WebDriverWait

    from components.filters import PERIOD_ID

    driver.get(page_url)
    wait_until_drawn(driver)
    check_region_page(driver, page_url)
    dropdown = WebDriverWait(driver, 20).until(EC.element_to_be_clickable((By.ID, PERIOD_ID)))
    dropdown.click()
    option = WebDriverWait(driver, 20).until(
        EC.element_to_be_clickable(
            (By.XPATH, f"//*[@role='option'][.//input[@value='{target_preset}']]")
        )
    )
    view = measure_click(driver, option.click, f"period={target_preset}", FILTER_WATCH)
    return {
        "url": page_url,
        "target": target_preset,
        "changed_ms": view.pop("drawn_ms"),
        **view,
    }


# ------------------------------------------------------------------ what to measure
def pick_regions(database_url: str, codes: list[str] | None = None) -> dict[str, str]:
    """scope label → code: the city, 150203, a township of it with villages, a village
    of that township with grids, and that village's first grid (or `codes`)."""
    from data_access.engine import make_engine
    from data_access.regions import RegionIndex

    engine = make_engine(database_url)
    try:
        index = RegionIndex.load(engine)
    finally:
        engine.dispose()
    if codes:
        out: dict[str, str] = {}
        for code in codes:
            level = index.scope(code).level
            out[level if level not in out else f"{level} {code}"] = code
        return out
    city = "150200" if "150200" in index.regions else index.top_code()
    district = DEFAULT_DISTRICT if DEFAULT_DISTRICT in index.regions else index.child_codes(city)[0]
    township = next(c for c in index.child_codes(district) if index.child_codes(c))
    villages = index.child_codes(township)
    village = next((c for c in villages if index.child_codes(c)), villages[0])
    picked = {"city": city, "district": district, "township": township, "village": village}
    grids = index.child_codes(village)
    if grids:
        picked["grid"] = grids[0]
    return picked


def _month_shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def cold_period(i: int, today: date) -> str:
    """Query string of the i-th cold view: the 12 months ending 25+i months ago."""
    end_month = _month_shift(today, -25 - i)
    start = _month_shift(end_month, -11)
    end = _month_shift(end_month, 1).toordinal() - 1
    return f"?from={start.isoformat()}&to={date.fromordinal(end).isoformat()}"


def custom_period(i: int, today: date) -> str:
    """Query string of the i-th view with custom dates: from the 5th of a month to the
    17th three months later, ending 13+i months ago (partial edge months, and open and
    overdue at a moment inside a month); no period any other view asks for."""
    end_month = _month_shift(today, -13 - i)
    start = _month_shift(end_month, -3).replace(day=5)
    return f"?from={start.isoformat()}&to={end_month.replace(day=17).isoformat()}"


CUSTOM_REPEAT = 3  # custom-date views per scope (at most --repeat)


def warmup_period(today: date) -> str:
    """One month five years ago: a period no measured view shares a cached result with."""
    month = date(today.year - 5, today.month, 1)
    end = _month_shift(month, 1).toordinal() - 1
    return f"?from={month.isoformat()}&to={date.fromordinal(end).isoformat()}"


@contextmanager
def app_and_browser(
    database_url: str, workers: int, scratch: Path, threads: int = 1
) -> Iterator[tuple]:
    server = AppServer(database_url, workers, scratch / "gunicorn.log", threads)
    driver = None
    try:
        server.start()
        driver = start_browser(scratch / "chromium-profile")
        yield server, driver
    finally:
        if driver is not None:
            driver.quit()
        server.stop()


def drill_period(i: int, today: date) -> str:
    """Query string of the i-th drill-down: the calendar quarter ending 2+i quarters
    before the current one (no period any other view asks for)."""
    quarter_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    start = _month_shift(quarter_start, -3 * (2 + i))
    end = _month_shift(start, 3).toordinal() - 1
    return f"?from={start.isoformat()}&to={date.fromordinal(end).isoformat()}"


def measure_scopes(
    server: AppServer,
    driver,
    regions: dict[str, str],
    repeat: int,
    warmup: bool,
    parents: dict[str, str] | None = None,
    floor: AppServer | None = None,
) -> list[dict[str, Any]]:
    """Cold and warm views (with the floors of bench/floor.py beside them, if `floor`),
    then custom-date views, then drill-downs from each region's parent (`parents`),
    then filter changes, of each region's page. Each kind is measured in rounds over
    the scopes (city, district, …, city, district, …), not scope after scope: this host
    slows down under a long run, and the scope measured first would otherwise have the
    fastest host."""
    today = date.today()
    parents = parents or {}
    if warmup:  # imports, reference data and plotly in the workers; not measured
        top = next(iter(regions.values()))
        for _ in range(2 * server.workers):
            page_view(driver, f"{server.base_url}/region/{top}{warmup_period(today)}", cold=True)
    pages = {scope: f"{server.base_url}/region/{code}" for scope, code in regions.items()}
    views: dict[str, dict[str, list]] = {
        scope: {
            "cold": [],
            "warm": [],
            "floor_dash": [],
            "floor_plotly": [],
            "custom": [],
            "drill": [],
            "filter": [],
        }
        for scope in regions
    }
    for i in range(repeat):
        print(f"   round {i + 1}/{repeat} …", file=sys.stderr, flush=True)
        for scope, page in pages.items():
            url = page + cold_period(i, today)
            views[scope]["cold"].append(page_view(driver, url, cold=True))
            views[scope]["warm"].append(page_view(driver, url, cold=False))
            if floor is not None:
                code = regions[scope]
                for kind, path in (
                    ("dash", f"/floor/dash/{code}/"),
                    ("plotly", f"/floor/plotly/{code}"),
                ):
                    views[scope][f"floor_{kind}"].append(
                        page_view(driver, floor.base_url + path, cold=True, region_page=False)
                    )
    for i in range(min(repeat, CUSTOM_REPEAT)):
        for scope, page in pages.items():
            url = page + custom_period(i, today)
            views[scope]["custom"].append(page_view(driver, url, cold=True))
    for i in range(repeat):
        for scope, code in regions.items():
            if scope in parents:
                parent_url = f"{server.base_url}/region/{parents[scope]}{drill_period(i, today)}"
                views[scope]["drill"].append(drill_down(driver, parent_url, code))
    requested: set[str] = set()  # page URLs the server has rendered in this run
    presets = filter_presets(today)
    for i in range(repeat):
        target = presets[i % len(presets)]
        for scope, code in regions.items():
            target_path = f"/region/{code}?period={target}"
            requested.add(f"/region/{code}")
            change = filter_change(driver, pages[scope], target)
            change["new_url"] = target_path not in requested
            requested.add(target_path)
            views[scope]["filter"].append(change)
    return [{"scope": scope, "code": regions[scope], **views[scope]} for scope in regions]


def region_parents(database_url: str, regions: dict[str, str]) -> dict[str, str]:
    """scope → its region's parent code (the page a person drills down from)."""
    from data_access.engine import make_engine
    from data_access.regions import RegionIndex

    engine = make_engine(database_url)
    try:
        index = RegionIndex.load(engine)
    finally:
        engine.dispose()
    return {
        scope: parent
        for scope, code in regions.items()
        if (parent := index.scope(code).parent_code) is not None
    }


@contextmanager
def floor_server(database_url: str, regions: dict[str, str], scratch: Path) -> Iterator[AppServer]:
    """The floor pages of `regions` (bench/floor.py) for the first cold view's period,
    served by one gunicorn worker."""
    charts = scratch / "floor.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.floor",
            "--url",
            database_url,
            "--regions",
            ",".join(f"{scope}={code}" for scope, code in regions.items()),
            "--query",
            cold_period(0, date.today()),
            "--out",
            str(charts),
        ],
        cwd=ROOT,
        check=True,
        # Not the shared cache: the app's first cold view asks for this very period.
        env={**os.environ, "GOVDASH_CACHE_URL": "null"},
    )
    server = AppServer(
        database_url, 1, scratch / "floor.log", THREADS, "bench.floor:server",
        {FLOOR_ENV: str(charts)},
    )  # fmt: skip
    try:
        server.start(probe_path=f"/floor/plotly/{next(iter(regions.values()))}")
        yield server
    finally:
        server.stop()


def measure(
    database_url: str,
    workers: int = 2,
    repeat: int = 7,
    regions: dict[str, str] | None = None,
    warmup: bool = True,
    threads: int = THREADS,
    floors: bool = True,
) -> dict[str, Any]:
    """Run every measurement against one database; plain data (see report())."""
    regions = regions or pick_regions(database_url)
    load_before = os.getloadavg()  # timings on a busy host are not comparable
    parents = region_parents(database_url, regions)
    scratch = Path(tempfile.mkdtemp(prefix="govdash-bench-browser-"))
    try:
        with ExitStack() as stack:
            floor = (
                stack.enter_context(floor_server(database_url, regions, scratch))
                if floors
                else None
            )
            server, driver = stack.enter_context(
                app_and_browser(database_url, workers, scratch, threads)
            )
            reference_page = f"{server.base_url}/region/{next(iter(regions.values()))}"
            try:
                speed_before = host_speed(driver, reference_page)
                scopes = measure_scopes(
                    server, driver, regions, repeat, warmup, parents=parents, floor=floor
                )
                speed_after = host_speed(driver, reference_page)
            except Exception as exc:
                raise RuntimeError(f"{exc}\n--- gunicorn log ---\n{server.log_tail()}") from exc
            memory = server.memory()
            server_log = server.log_tail(200)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "url": database_url,
        "host": {
            "cpus": os.cpu_count(),
            "load_before": load_before,
            "load_after": os.getloadavg(),
            # ms per Plotly.react of the reference chart (host_speed)
            "reference_react_ms": [speed_before, speed_after],
        },
        "workers": workers,
        "threads": threads,
        "repeat": repeat,
        "cache_url": os.environ.get("GOVDASH_CACHE_URL") or "(in-process SimpleCache per worker)",
        "scopes": scopes,
        "memory": memory,
        "server_errors": [
            line for line in server_log.splitlines() if "Traceback" in line or "[ERROR]" in line
        ],
        "console_errors": [
            {"scope": s["scope"], **entry}
            for s in scopes
            for kind in ("cold", "warm", "floor_dash", "floor_plotly", "custom", "drill", "filter")
            for view in s.get(kind, [])
            for entry in view["console"]
            if entry.get("level") == "SEVERE"
        ],
    }


# ------------------------------------------------------------------ host speed
# The same two charts redrawn in the same browser before and after the run: this
# host's speed drifts (a shared virtual machine: the same code measured 35% slower an
# hour later), and without a reference two runs cannot be compared.
CALIBRATE_JS = """
var figures = arguments[0], done = arguments[arguments.length - 1];
var holder = document.createElement('div');
holder.style.cssText = 'position:absolute;left:-2000px;top:0;width:500px;height:340px';
document.body.appendChild(holder);
var config = {displayModeBar: false, responsive: false};
(async function () {
  var times = [];
  await Plotly.newPlot(holder, figures[0].data, figures[0].layout, config);
  for (var i = 0; i < 30; i++) {
    var f = JSON.parse(JSON.stringify(figures[(i + 1) % 2]));
    var t = performance.now();
    var p = Plotly.react(holder, f.data, f.layout, config);
    times.push(performance.now() - t);
    await p;
  }
  Plotly.purge(holder);
  holder.remove();
  times.sort(function (a, b) { return a - b; });
  done(times[Math.floor(times.length / 2)]);
})();
"""


# Two versions of one trend chart with fixed numbers, as the app drew them when this
# file was written (components/figures.create_trend_figure), kept as JSON so that the
# reference stays the same chart whatever the factories become.
REFERENCE_CHART = ROOT / "bench" / "reference_chart.json"


def reference_figures() -> list[dict[str, Any]]:
    return json.loads(REFERENCE_CHART.read_text(encoding="utf-8"))


def host_speed(driver, page_url: str) -> float:
    """Median ms of one Plotly.react of the reference chart, in this browser."""
    driver.get(page_url)
    wait_until_drawn(driver)
    driver.set_script_timeout(120)
    return round(driver.execute_async_script(CALIBRATE_JS, reference_figures()), 2)


# ------------------------------------------------------------------ the report
def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def p50_p95(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):.0f} / {percentile(values, 0.95):.0f}"


def _kb(value: float) -> str:
    return f"{value / 1024:,.0f}"


def _median(views: list[dict], *keys: str) -> float | None:
    values = []
    for view in views:
        value: Any = view
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            values.append(value)
    return round(statistics.median(values)) if values else None


def top_resources(views: list[dict], count: int = 5) -> list[dict]:
    """The biggest resources of the views (each name's largest size)."""
    biggest: dict[str, int] = {}
    for view in views:
        for row in view["resources"]:
            biggest[row["name"]] = max(biggest.get(row["name"], 0), row["bytes"])
    return [
        {"name": name, "bytes": size}
        for name, size in sorted(biggest.items(), key=lambda item: -item[1])[:count]
    ]


def slowest_callback(views: list[dict]) -> str:
    """The callback with the largest median time to first byte."""
    times: dict[str, list[float]] = {}
    for view in views:
        for row in view["resources"]:
            if "[" in row["name"] and "server_ms" in row:
                times.setdefault(row["name"].split("[", 1)[1].rstrip("]"), []).append(
                    row["server_ms"]
                )
    if not times:
        return "—"
    name, values = max(times.items(), key=lambda item: statistics.median(item[1]))
    return f"{name} {statistics.median(values):.0f} ms"


def _request_window(view: dict) -> tuple[float | None, float | None]:
    """When the view's first request started and its last response ended."""
    starts = [r["start_ms"] for r in view["resources"] if "start_ms" in r]
    ends = [r["end_ms"] for r in view["resources"] if "end_ms" in r]
    return (min(starts) if starts else None, max(ends) if ends else None)


def _chart_window(views: list[dict]) -> str:
    if not _median(views, "charts", "react"):
        return "no charts"  # most of these views showed the no-data state
    return "–".join(
        str(_median(views, "charts", key)) for key in ("first_start", "react_end", "last_end")
    )


def _per_chart(views: list[dict]) -> str:
    """Median synchronous Plotly.react time of each chart, slowest first."""
    times: dict[str, list[float]] = {}
    for view in views:
        for chart, ms in view["charts"].get("per_chart", {}).items():
            times.setdefault(chart, []).append(ms)
    medians = sorted(((statistics.median(v), k) for k, v in times.items()), reverse=True)
    return ", ".join(f"{k} {ms:.0f}" for ms, k in medians) or "—"


def _calls(views: list[dict]) -> str:
    return f"{_median(views, 'charts', 'react')} / {_median(views, 'charts', 'resize')}"


def _busy(views: list[dict]) -> str:
    return " / ".join(
        str(_median(views, "main_thread_ms", key)) for key in ("task", "script", "layout", "style")
    )


def _speed(host: dict) -> str:
    before, after = host.get("reference_react_ms") or (None, None)
    return "n/a" if before is None else f"{before:.1f} / {after:.1f} ms"


def report(result: dict) -> str:
    scopes = result["scopes"]
    lines = [
        f"\n### {result.get('label') or result['url']}: {result['workers']} gunicorn workers "
        f"× {result.get('threads', 1)} threads, "
        f"repeat {result['repeat']}, cache {result['cache_url']}; host "
        f"{result['host']['cpus']} CPUs, load average {result['host']['load_before'][0]:.1f} "
        f"before / {result['host']['load_after'][0]:.1f} after; host speed "
        f"{_speed(result['host'])} (one Plotly.react of the reference chart, before / after: "
        "lower is faster; compare runs only at similar speeds)\n",
        "| scope | code | charts | drawn cold p50 / p95 ms | drawn warm p50 / p95 ms | "
        "custom dates, cold p50 / p95 ms | drill-down p50 / p95 ms | "
        "filter change p50 / p95 ms | first view KB | repeat view KB | filter change KB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scopes:
        cold, warm, changes = s["cold"], s["warm"], s["filter"]
        custom = [v["drawn_ms"] for v in s.get("custom", [])]
        drills = [v["drawn_ms"] for v in s.get("drill", [])]
        lines.append(
            f"| {s['scope']} | {s['code']} | {cold[0]['graphs'] if cold else '—'} | "
            f"{p50_p95([v['drawn_ms'] for v in cold])} | {p50_p95([v['drawn_ms'] for v in warm])} | "
            f"{p50_p95(custom) if custom else '—'} | {p50_p95(drills) if drills else '—'} | "
            f"{p50_p95([v['changed_ms'] for v in changes])} | "
            f"{_kb(statistics.median([v['bytes'] for v in cold]))} | "
            f"{_kb(statistics.median([v['bytes'] for v in warm]))} | "
            f"{_kb(statistics.median([v['bytes'] for v in changes]))} |"
        )
    all_cold = [v for s in scopes for v in s["cold"]]
    all_warm = [v for s in scopes for v in s["warm"]]
    all_changes = [v for s in scopes for v in s["filter"]]
    new_changes = [v["changed_ms"] for v in all_changes if v.get("new_url")]
    workers = result["memory"]["workers"]
    worst_rss = max((w["rss_mb"] or 0 for w in workers), default=0)
    worst_peak = max((w["peak_mb"] or 0 for w in workers), default=0)

    def verdict(ok: bool) -> str:
        return "✓" if ok else "✗"

    worst_change = percentile([v["changed_ms"] for v in all_changes], 0.95)
    most_bytes = max(v["bytes"] for v in all_cold)

    def drawn_line(what: str, kind: str) -> list[str]:
        """The p95 of a kind of view over all scopes, against the target (if measured)."""
        times = [v["drawn_ms"] for s in scopes for v in s.get(kind, [])]
        if not times:
            return []
        worst = percentile(times, 0.95)
        return [
            f"- {what}, p95 over all scopes: {worst:.0f} ms "
            f"(target ≤ {DRAWN_TARGET_MS} ms {verdict(worst <= DRAWN_TARGET_MS)})"
        ]

    lines += [
        "",
        *drawn_line("drawn, cold", "cold"),
        *drawn_line("drawn, cold, custom dates (from and to inside months)", "custom"),
        *drawn_line(
            "drawn after a drill-down (a click on a child's name in its parent's ranking "
            "table, inside the app)",
            "drill",
        ),
    ]
    floor_dash = [v["drawn_ms"] for s in scopes for v in s.get("floor_dash", [])]
    floor_plotly = [v["drawn_ms"] for s in scopes for v in s.get("floor_plotly", [])]
    if floor_dash and floor_plotly:
        lines.append(
            f"- this host's floor for these charts (bench/floor.py; cold, p50 / p95 over all "
            f"scopes): Dash with only the page's charts {p50_p95(floor_dash)} ms, plotly.js "
            f"alone {p50_p95(floor_plotly)} ms"
        )
    lines += [
        f"- filter change p95 over all scopes: {worst_change:.0f} ms "
        f"(target ≤ {FILTER_TARGET_MS} ms {verdict(worst_change <= FILTER_TARGET_MS)}); "
        f"changes to a period the server had not rendered: p50 / p95 {p50_p95(new_changes)} ms",
        f"- bytes per page view: first view up to {_kb(most_bytes)} KB "
        f"(target ≤ {PAGE_BYTES_TARGET // 1000} kB {verdict(most_bytes <= PAGE_BYTES_TARGET)}), "
        f"repeat view p50 {_kb(statistics.median(v['bytes'] for v in all_warm))} KB",
        f"- worker RSS after all views: {', '.join(str(w['rss_mb']) for w in workers)} MB, "
        f"peak {', '.join(str(w['peak_mb']) for w in workers)} MB "
        f"(target ≤ {WORKER_RSS_TARGET_MB} MB {verdict(max(worst_rss, worst_peak) <= WORKER_RSS_TARGET_MB)}); "
        f"master {result['memory']['master']['rss_mb']} MB",
    ]
    errors = result["console_errors"]
    if errors:
        lines.append(f"- **BROWSER CONSOLE ERRORS: {len(errors)}** — the run is not clean:")
        lines += [f"  - {e['scope']}: {e.get('message', '')[:200]}" for e in errors[:10]]
    else:
        lines.append("- browser console errors: 0")
    if result["server_errors"]:
        lines.append(f"- **SERVER LOG ERRORS: {len(result['server_errors'])}**")

    lines += [
        "",
        "Where the time goes, cold view p50 (ms from navigation start; charts = first Plotly.react "
        "started → last react done → last resize done; main thread = CDP Performance metrics):\n",
        "| scope | html | scripts run | layout | last callback | plotly.js | charts | drawn | "
        "react / resize calls | main thread: task / script / layout / style | slowest callback (TTFB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scopes:
        cold = s["cold"]
        lines.append(
            f"| {s['scope']} | {_median(cold, 'phases', 'html')} | "
            f"{_median(cold, 'phases', 'scripts_run')} | {_median(cold, 'phases', 'layout')} | "
            f"{_median(cold, 'phases', 'last_callback')} | {_median(cold, 'phases', 'plotly_js')} | "
            f"{_chart_window(cold)} | "
            f"{_median(cold, 'drawn_ms')} | {_calls(cold)} | {_busy(cold)} | "
            f"{slowest_callback(cold)} |"
        )
    if floor_dash and floor_plotly:
        lines += [
            "",
            "The page against its floors, cold views p50 (ms; the floors draw the page's very "
            "charts, in the same rounds: bench/floor.py):\n",
            "| scope | region page | Dash + only its charts | plotly.js alone | page − Dash floor |",
            "|---|---|---|---|---|",
        ]
        for s in scopes:
            page, dash_floor, plotly_floor = (
                _median(s.get(kind, []), "drawn_ms")
                for kind in ("cold", "floor_dash", "floor_plotly")
            )
            extra = page - dash_floor if page is not None and dash_floor is not None else "—"
            lines.append(f"| {s['scope']} | {page} | {dash_floor} | {plotly_floor} | {extra} |")
    lines += [
        "",
        "Filter change p50 (ms from the click on the option):\n",
        "| scope | first request | last response | charts shown | charts | drawn | react / resize calls | "
        "main thread: task / script / layout / style | slowest callback (TTFB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scopes:
        changes = s["filter"]
        windows = [_request_window(v) for v in changes]
        firsts = [w[0] for w in windows if w[0] is not None]
        lasts = [w[1] for w in windows if w[1] is not None]
        lines.append(
            f"| {s['scope']} | {round(statistics.median(firsts)) if firsts else '—'} | "
            f"{round(statistics.median(lasts)) if lasts else '—'} | "
            f"{_median(changes, 'graphs')} | {_chart_window(changes)} | "
            f"{_median(changes, 'changed_ms')} | {_calls(changes)} | {_busy(changes)} | "
            f"{slowest_callback(changes)} |"
        )
    lines += [
        "",
        "Plotly.react per chart on a filter change, p50 ms (its synchronous part):\n",
    ]
    lines += [f"- {s['scope']}: {_per_chart(s['filter'])}" for s in scopes]
    lines += [
        "",
        "Biggest resources, first view (empty browser cache):\n",
        "| resource | KB |",
        "|---|---|",
    ]
    lines += [f"| {r['name']} | {_kb(r['bytes'])} |" for r in top_resources(all_cold)]
    return "\n".join(lines)


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM like Ctrl-C, so the finally blocks still stop gunicorn and chromium."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: the app's default database)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=THREADS, help="threads per gunicorn worker (gthread)"
    )
    parser.add_argument("--repeat", type=int, default=7, help="runs per scope and measurement")
    parser.add_argument(
        "--regions",
        help="comma-separated region/grid codes (default: a city, district, township, "
        "village and grid picked from the database)",
    )
    parser.add_argument("--label", help="names this run in the report")
    parser.add_argument(
        "--no-floors", action="store_true", help="leave out the floor pages (bench/floor.py)"
    )
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, _interrupt)
    url = args.url or default_database_url()
    codes = [c.strip() for c in args.regions.split(",") if c.strip()] if args.regions else None
    try:
        regions = pick_regions(url, codes)
    except ValueError as exc:  # UnknownRegion: a code the database does not have
        parser.error(str(exc))
    print(f"== {url}: {regions}", file=sys.stderr, flush=True)
    try:
        result = measure(
            url,
            workers=args.workers,
            repeat=args.repeat,
            regions=regions,
            threads=args.threads,
            floors=not args.no_floors,
        )
    except KeyboardInterrupt:
        print("interrupted (gunicorn and chromium stopped)", file=sys.stderr)
        return 130
    result["label"] = args.label or url
    result["measured_at"] = datetime.now().isoformat(timespec="seconds")
    text = report(result)
    print(text, flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"browser-{stamp}.json").write_text(json.dumps(result, indent=2, default=str))
    (RESULTS / f"browser-{stamp}.md").write_text(text + "\n")
    return 1 if result["console_errors"] or result["server_errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
