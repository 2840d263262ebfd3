"""Use cases. Each takes `actor` and `now` where they matter, flushes, and never commits:
the caller (a view or a CLI command) commits once, so a use case is one transaction."""
