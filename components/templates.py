"""Plotly templates: `screen` (light, the default), `print` (white, black ink, larger
type: the charts' PNG/SVG exports, assets/govdash.js, and the bulletin) and `wall`
(dark, for the 大屏).

All use "Noto Sans CJK SC" first so Chinese renders the same on screen, in the
browser's PNG/SVG export and in kaleido (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

import orjson
import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

# Four-colour warning palette (red / orange / yellow / green) and RAG status colours.
LEVEL_COLORS = {"red": "#d62728", "orange": "#ff7f0e", "yellow": "#f2c80f", "green": "#2ca02c"}
STATUS_COLORS = {"red": "#d62728", "amber": "#f0a30a", "green": "#2ca02c", None: "#4c78a8"}
PRIMARY = "#1f5fa8"
SECONDARY = "#9bb7d4"
COLORWAY = [
    "#1f5fa8",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
]

SCREEN = "govdash_screen"
PRINT = "govdash_print"
WALL = "govdash_wall"
TEMPLATE_NAMES = {"screen": SCREEN, "print": PRINT, "wall": WALL}

# Print size for exported images (camera button and SVG button).
EXPORT_WIDTH = 1600
EXPORT_HEIGHT = 900
EXPORT_SCALE = 2
# app.py serves the print template here; the charts' exports fetch it once per page
# (assets/govdash.js) instead of every figure carrying it.
PRINT_TEMPLATE_ROUTE = "_govdash/templates/print.json"


def _base(paper: str, plot: str, ink: str, grid: str, size: int) -> go.layout.Template:
    return go.layout.Template(
        layout=go.Layout(
            font={"family": FONT_FAMILY, "size": size, "color": ink},
            title={
                "font": {"size": size + 3, "color": ink},
                "x": 0.01,
                "xanchor": "left",
                "y": 1,
                "yref": "container",
                "yanchor": "top",
                "pad": {"t": 22},
            },
            paper_bgcolor=paper,
            plot_bgcolor=plot,
            colorway=COLORWAY,
            margin={"l": 48, "r": 16, "t": 72, "b": 36},
            # The charts are read, not explored: a drag neither zooms nor pans (the
            # modebar has no reset button to undo it), and plotly.js then builds no
            # axis drag boxes (about 4% less drawing time per region page).
            dragmode=False,
            xaxis={
                "gridcolor": grid,
                "linecolor": grid,
                "zerolinecolor": grid,
                "automargin": True,
                "fixedrange": True,
            },
            yaxis={
                "gridcolor": grid,
                "linecolor": grid,
                "zerolinecolor": grid,
                "automargin": True,
                "fixedrange": True,
            },
            legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
            hoverlabel={"font": {"family": FONT_FAMILY}},
            separators=".,",
        )
    )


def register_templates() -> None:
    """Register the three templates with plotly.io (idempotent)."""
    pio.templates[SCREEN] = _base("#ffffff", "#ffffff", "#212529", "#e6e9ef", 12)
    # Type for a 1600×900 image (the exports): 16 px read as small print there.
    printed = _base("#ffffff", "#ffffff", "#000000", "#d0d4da", 20)
    # A two-line title (region · chart, then the period) has its first baseline at
    # pad.t: plotly drops the top anchor's shift for several lines, and 22 px let the
    # larger type touch the image's top edge.
    printed.layout.title.pad.t = 44
    printed.layout.title.x = 0.015
    # The screen's margins grown with the type (what the exports do to a figure's own
    # margins, assets/govdash.js), for the figures that set none (the donut).
    printed.layout.margin = {"l": 80, "r": 24, "t": 120, "b": 60}
    pio.templates[PRINT] = printed
    wall = _base("#0b1a2e", "#0b1a2e", "#e8eef7", "#24344d", 14)
    wall.layout.colorway = ["#4ea1ff", "#ffb454", "#7bd88f", "#ff6b6b", "#66d9e8", "#ffd43b"]
    pio.templates[WALL] = wall


def template_name(kind: str = "screen") -> str:
    register_templates() if SCREEN not in pio.templates else None
    return TEMPLATE_NAMES.get(kind, SCREEN)


@cache
def template_layout(kind: str = "screen") -> dict[str, Any]:
    """The template as the JSON a figure dict carries (`layout.template`): built once;
    shared by every figure, so never modified."""
    return pio.templates[template_name(kind)].to_plotly_json()


@cache
def template_json(kind: str = "print") -> bytes:
    """`template_layout(kind)` as JSON bytes (the reply of app.py's template route)."""
    return orjson.dumps(template_layout(kind))


@cache
def template_version(kind: str = "print") -> str:
    """A short digest of the template's JSON: its URL's `?v=`, so a browser may keep it
    until the template changes."""
    return hashlib.blake2b(template_json(kind), digest_size=6).hexdigest()


register_templates()
