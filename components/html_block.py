"""`HtmlBlock`: a Dash component that shows HTML written on the server.

The KPI tiles and the ranking table are made on the server as one escaped HTML
string each (components/kpi.py, components/tables.py): as Dash components they were
hundreds of components that the renderer walks at every update. This component puts
such a string into the page in the same React render as the rest of a callback's
outputs (its browser half is `govdash_components.HtmlBlock` in
assets/govdash-components.js). The earlier way, a dcc.Store and a clientside callback
copying it into the page, cost a second callback round after every update, which
ran only once all the charts had been redrawn.

Only HTML that the server built and escaped goes in here, never user input as is.
"""

from __future__ import annotations

from typing import Any

from dash.development.base_component import Component


class HtmlBlock(Component):
    """A `<div>` whose content is `markup`, an HTML string made (and escaped) by the
    server.

    Keyword arguments:
    - id (string; optional): the component's id, for callbacks.
    - markup (string; optional): the HTML inside the div.
    - className (string; optional): the div's class."""

    _children_props: list[str] = []
    _base_nodes = ["children"]
    _namespace = "govdash_components"
    _type = "HtmlBlock"

    def __init__(
        self,
        id: str | dict | None = None,  # noqa: A002 - Dash's name for it
        markup: str | None = None,
        className: str | None = None,  # noqa: N803 - Dash's name for it
        **kwargs: Any,
    ) -> None:
        self._prop_names = ["id", "markup", "className"]
        self._valid_wildcard_attributes: list[str] = []
        self.available_properties = list(self._prop_names)
        self.available_wildcard_properties: list[str] = []
        given = {"id": id, "markup": markup, "className": className}
        super().__init__(**{k: v for k, v in given.items() if v is not None}, **kwargs)
