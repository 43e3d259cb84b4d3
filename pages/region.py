"""/region/<code> — any region down to a grid (see pages/_region_view.py): KPI tiles
with 同比/环比 and status, trends, the children ranked (table + bar), map or treemap,
four-colour and source mix, grassroots shares and center load; drill down by
clicking a child, back up by the breadcrumb."""

from __future__ import annotations

from typing import Any

import dash

from pages._common import safe_page
from pages._region_view import browser_url as _url
from pages._region_view import render_region, same_view

dash.register_page(
    __name__,
    path_template="/region/<code>",
    title="区域态势 · govdash",
    name="区域",
    order=1,
)


@safe_page
def layout(code: str | None = None, _view=None, _pathname=None, _search=None, **params: Any):
    # Only the filters changed on the region page shown: it is redrawn in place.
    if same_view(_view, _pathname, code, params):
        return dash.no_update
    return render_region(code, params, url=_url(_pathname, _search))
