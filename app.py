"""The Dash app and its Flask server (`gunicorn app:server`).

A minimal shell until the dashboard issue lands: it proves the stack runs and shows
the city's headline figures from data_access.metrics.
"""

from __future__ import annotations

import dash
from dash import html

from components.shell import create_shell

app = dash.Dash(
    __name__,
    title="govdash 综治中心指挥舱",
    update_title="",
    suppress_callback_exceptions=True,
    use_pages=True,
    pages_folder="pages",
)
server = app.server
app.layout = create_shell(html.Div(dash.page_container))

if __name__ == "__main__":
    app.run(debug=False)
