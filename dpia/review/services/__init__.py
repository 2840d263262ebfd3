"""Use cases of review. Each takes `actor` and `now`, flushes, and never commits."""
