"""UI building blocks: small create_*() factories. They run no SQL."""
