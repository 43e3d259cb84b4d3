"""/region (no code): the region view of the top region, or of ?region=CODE."""

from __future__ import annotations

from typing import Any

import dash

from pages._common import safe_page
from pages._region_view import browser_url as _url
from pages._region_view import render_region, same_view

dash.register_page(__name__, path="/region", title="区域态势 · govdash", name="区域总览", order=2)


@safe_page
def layout(_view=None, _pathname=None, _search=None, **params: Any):
    # Only the filters changed on the region view shown: it is redrawn in place.
    if same_view(_view, _pathname, None, params):
        return dash.no_update
    return render_region(None, params, path="/region", url=_url(_pathname, _search))
