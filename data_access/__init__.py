"""Everything that touches the case database. Knows nothing of Dash."""
