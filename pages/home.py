"""/ — the cockpit (指挥舱): the region view of the top region the user may see
(?region=CODE narrows it)."""

from __future__ import annotations

from typing import Any

import dash

from pages._common import safe_page
from pages._region_view import browser_url as _url
from pages._region_view import render_region, same_view

dash.register_page(
    __name__,
    path="/",
    title="指挥舱 · govdash",
    name="指挥舱",
    order=0,
)


@safe_page
def layout(_view=None, _pathname=None, _search=None, **params: Any):
    # Only the filters changed on the cockpit shown: it is redrawn in place.
    if same_view(_view, _pathname, None, params):
        return dash.no_update
    return render_region(None, params, cockpit=True, url=_url(_pathname, _search))
