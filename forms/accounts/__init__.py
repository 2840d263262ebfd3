"""Account forms, one module per set of pages."""
