"""The partial plotly.js in assets/vendor must stay the version the Python plotly package
ships (figures are built for that version), and hold every trace type the app draws."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.offline

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "assets" / "vendor" / "plotly-govdash.min.js"


def _header() -> str:
    with BUNDLE.open(encoding="utf-8") as handle:
        return handle.read(3000)


def test_bundle_version_matches_the_plotly_package():
    found = re.search(r"plotly\.js \(govdash - minified\) v(\S+)", _header())
    assert found, "header line 'plotly.js (govdash - minified) vX.Y.Z' missing"
    assert found.group(1) == plotly.offline.get_plotlyjs_version(), (
        "rebuild the bundle with scripts/build-plotly.sh after upgrading plotly"
    )


def test_bundle_holds_every_trace_type_the_app_uses():
    traces = re.search(r"Traces: ([^\n]*)", _header()).group(1)
    used = set()
    for folder in ("components", "pages"):
        for path in (ROOT / folder).glob("*.py"):
            used |= {m.lower() for m in re.findall(r"go\.([A-Z][a-z]+)\(", path.read_text())}
    used -= {"figure", "layout"}
    assert used, "no trace constructors found"
    for trace in used:
        assert trace in traces, f"go.{trace.title()} is drawn but not in the bundle"


def test_bundle_names_no_cdn():
    """plotly.js's CDN defaults (topojson, named map styles, icons) were pointed at the
    reserved .invalid domain by scripts/build-plotly.sh: the app runs offline."""
    text = BUNDLE.read_text(encoding="utf-8")
    found = re.findall(r".{0,40}(?:cdn\.|jsdelivr|unpkg|cdnjs|googleapis).{0,20}", text)
    assert not found, found[:3]
