"""One module per page: dash.register_page, layout(**params) and its callbacks."""
