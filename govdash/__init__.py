"""govdash command line."""
