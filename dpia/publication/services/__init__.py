"""Use cases of publication. Each takes `actor` and `now`, flushes, and never commits."""
