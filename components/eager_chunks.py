"""Load the dcc chunks every dashboard page needs with the page, not after it.

dcc ships its Graph, Dropdown and DatePicker code as separate chunks ("async" in
`dash.dcc._js_dist`) that the browser fetches only when the first such component
renders, i.e. after the layout and the first callback have arrived: a second round
of requests (about 40 KB gzipped in all) in front of every chart. Every page here
has a filter bar (dropdowns, a date picker) and charts, so these three load up
front, like Dash's own `eager_loading=True` would load them, without the other
chunks (Markdown, MathJax, Upload, … about 700 KB gzipped) that it would load too.
"""

from __future__ import annotations

import logging

import dash.dcc

log = logging.getLogger(__name__)

CHUNKS = ("dcc/async-graph.js", "dcc/async-dropdown.js", "dcc/async-datepicker.js")


def load_dcc_chunks_eagerly(chunks: tuple[str, ...] = CHUNKS) -> list[str]:
    """Write these dcc chunks into the index page (process-wide: dcc's resource list is
    shared by every app). Returns the chunks changed; a dcc release that renamed one
    only logs it (the page then loads that chunk on demand, as before)."""
    changed = []
    by_path = {r.get("relative_package_path"): r for r in dash.dcc._js_dist}
    for chunk in chunks:
        resource = by_path.get(chunk)
        if resource is None:
            log.warning("dcc has no %s: it loads on demand", chunk)
            continue
        if resource.pop("async", None) is not None:
            changed.append(chunk)
    return changed
